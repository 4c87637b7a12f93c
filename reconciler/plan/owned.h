#pragma once
// The fields swarmform owns in a live service — replicas, CPU and memory
// limits and reservations, and its one placement constraint
// `node.hostname==<node>` — and the pure operations on them shared by plan
// and apply.  Everything else in a spec belongs to somebody else.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconciler/model/desired.h"
#include "reconciler/model/live.h"

namespace swarmform::plan {

/// Owned values as declared, planned or last applied.  An absent field is
/// not owned: the desired state does not declare it, so it is never
/// compared and never written.
struct OwnedFields {
  std::string host;  ///< desired host name; empty when unknown
  std::string node;  ///< swarm node hostname of the placement constraint; empty = not owned
  std::optional<uint64_t> replicas;
  model::ResourceSpec limits;
  model::ResourceSpec reservations;
};

bool same_owned(const OwnedFields& a, const OwnedFields& b);

/// The owned fields a desired service declares on `host` (replicas left out
/// for a `global` service, which has none).
OwnedFields desired_owned(const model::Service& service, const model::Host& host, bool global);

/// The node a constraint pins to when it is swarmform's kind,
/// `node.hostname==X` in any spacing (`node.hostname == X`); nullopt for
/// every other constraint (`!=`, labels, roles), which swarmform never owns.
std::optional<std::string> pinned_node(std::string_view constraint);

/// The nodes named by a service's `node.hostname==` constraints, sorted,
/// without duplicates.
std::vector<std::string> pinned_nodes(const std::vector<std::string>& constraints);

/// swarmform's canonical spelling of its constraint: `node.hostname==<node>`.
std::string placement_constraint(const std::string& node);

/// The constraint list to write: `live` with every `node.hostname==`
/// constraint removed and `placement_constraint(node)` put where the first of
/// them was (appended when there was none); all others kept in order.  When
/// exactly one pin already names `node`, however spelled, `live` is returned
/// unchanged.  An empty `node` pins to nothing.
std::vector<std::string> placement_constraints(const std::vector<std::string>& live,
                                               const std::string& node);

/// `live` with the owned fields of `owned` written over it (fields absent
/// from `owned` keep their live value; replicas are ignored for global
/// services).  Everything swarmform does not own is kept as it was.
model::LiveService with_owned(const model::LiveService& live, const OwnedFields& owned);

/// A stable fingerprint of a live service's owned fields: "fnv1a64:" and 16
/// lowercase hex digits of the FNV-1a 64-bit hash of the canonical string
///   replicas=<n|->;limits.nano_cpus=<n>;limits.memory_bytes=<n>;
///   reservations.nano_cpus=<n>;reservations.memory_bytes=<n>;
///   node.hostname=<pinned nodes, sorted, comma-separated>
/// (one line, no spaces).  Apply recomputes it to see whether the owned
/// fields moved since the plan was made.
std::string owned_hash(const model::LiveService& live);

}  // namespace swarmform::plan
