#pragma once
// One service's change: a declared service against its live match (update
// or no-op), a declared service to create, a live service to delete.

#include <vector>

#include "reconciler/model/desired.h"
#include "reconciler/model/live.h"
#include "reconciler/plan/plan.h"
#include "reconciler/plan/topology.h"

namespace swarmform::plan {

/// Compares the fields `service` declares with `live` (Terraform-like: an
/// undeclared field is not owned and never differs) and attributes drift.
/// Adds warnings to `findings` for replicas declared on a service with no
/// replica count (global mode, jobs) and for an unreadable applied label.
/// `host` nullptr: the service declares no host; its placement is not owned
/// (no "host" change, desired.node absent) and to_host is where its tasks run
/// now (kNotPinned when nowhere).  A live service pinned to `host`'s node by
/// `node.id==` is placed as declared: no change, and desired.node absent so
/// that apply leaves its pin alone.
ServiceChange diff_service(const model::Service& service, const model::Host* host,
                           const model::LiveService& live, const Topology& topology,
                           std::vector<Finding>& findings);

/// The host a plan shows for a service that declares none and whose tasks
/// run nowhere, and for a global one created without a host.
inline constexpr const char* kNotPinned = "(not pinned)";
inline constexpr const char* kEveryNode = "(every node: global)";

/// The field changes of a create of `service` on the host named `host`
/// ("" for none: kNotPinned, or kEveryNode for a global service): every
/// declared owned field, from "none".  None of them restarts a task.
std::vector<FieldChange> create_changes(const model::Service& service, const std::string& host);

/// A create of `service` on `host` (nullptr: not pinned): every declared
/// owned field from "none"; a global service's tasks counted on the nodes
/// `topology` says take tasks.  REQUIRES: service.image is set and its mode
/// is replicated or global.
ServiceChange plan_create(const model::Service& service, const model::Host* host, const Topology& topology);

/// The delete of a live service that swarmform manages and no longer declares.
ServiceChange plan_remove(const model::LiveService& live, const Topology& topology);

/// The swarm name a create gives `service`: its `match` when that is a plain
/// name, else (a glob) the desired-state key.
std::string name_to_create(const model::Service& service);

/// The live service `service` becomes once created (for capacity arithmetic).
model::LiveService created_service(const model::Service& service, const model::OwnedFields& owned);

}  // namespace swarmform::plan
