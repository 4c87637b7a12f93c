#pragma once
// Whether a plan can be carried out: target nodes that cannot take tasks,
// and data that would not follow a service to another host.

#include <vector>

#include "reconciler/model/desired.h"
#include "reconciler/model/live.h"
#include "reconciler/plan/plan.h"
#include "reconciler/plan/topology.h"

namespace swarmform::plan {

/// When `change` moves `live` off a host and `live` mounts a volume of the
/// local driver (type "volume", driver "" or "local"): an error, since the
/// data stays behind — a warning instead when the service says
/// `allow_data_move: true`.
void check_data_move(const model::Service& service, const model::LiveService& live,
                     const ServiceChange& change, const Topology& topology,
                     std::vector<Finding>& findings);

/// Per declared host whose node is missing, down, drained or paused: an
/// error naming the services `services` creates or updates on it; a warning
/// when none is (the services there are merely unable to run).
void check_nodes(const model::DesiredState& desired, const Topology& topology,
                 const std::vector<ServiceChange>& services, std::vector<Finding>& findings);

}  // namespace swarmform::plan
