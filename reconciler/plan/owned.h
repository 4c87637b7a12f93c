#pragma once
// The owned fields (model/owned_fields.h) as a plan sees them: the values a
// desired service declares, and the fingerprint of a live service's owned
// fields that apply checks to tell whether the plan is stale.

#include <string>

#include "reconciler/model/desired.h"
#include "reconciler/model/live.h"
#include "reconciler/model/owned_fields.h"

namespace swarmform::plan {

/// The owned fields a desired service declares on `host`: its replicas (left
/// out for a `global` service, which has none), limits, reservations, and
/// the host's node.  `host` nullptr: the service declares no host, its
/// placement is not owned (no node).
model::OwnedFields desired_owned(const model::Service& service, const model::Host* host, bool global);
model::OwnedFields desired_owned(const model::Service& service, const model::Host& host, bool global);

/// A stable fingerprint of a live service's owned fields: "fnv1a64:" and 16
/// lowercase hex digits of the FNV-1a 64-bit hash of the canonical string
///   replicas=<n|->;limits.nano_cpus=<n>;limits.memory_bytes=<n>;
///   reservations.nano_cpus=<n>;reservations.memory_bytes=<n>;
///   node.hostname=<pinned nodes, sorted, comma-separated>
/// (one line, no spaces).  Apply recomputes it to see whether the owned
/// fields moved since the plan was made.
std::string owned_hash(const model::LiveService& live);

}  // namespace swarmform::plan
