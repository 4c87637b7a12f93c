#pragma once
// Does a plan still say what its desired state says?  A saved plan passes
// through other hands (a CI artifact): before apply carries it out, the plan
// is made again from the desired state it names and the live swarm read
// under the lock, and the two must agree on every change.  Pure.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconciler/plan/compute.h"
#include "reconciler/model/owned_fields.h"
#include "reconciler/plan/plan.h"

namespace swarmform::plan {

/// One way `saved` differs from the plan made again.
struct PlanMismatch {
  std::string service;  ///< the service's name in the plan
  std::string what;     ///< "limits.cpus: the plan writes 1.9, planned again: 0.25"
  /// The live service differs from the one the plan was made against (another
  /// id, other owned values): the swarm moved, not the file.
  bool swarm_changed = false;
};

/// Every difference between the changes of `saved` and of `remade` (the same
/// desired state planned again): per service, by name, its action, live
/// service, target host, owned values to write, service to create, and the
/// field changes a reviewer read (field, before, after).  What describes the
/// live swarm only (version index, task counts, drift, where tasks run (the
/// before of "host"), findings, host projections) is not compared: the stale check and the
/// remade plan's own findings judge that.  Empty when they agree.
std::vector<PlanMismatch> compare_changes(const Plan& saved, const Plan& remade);

/// The options that make a plan again as `plan` was made (its targets,
/// desired hash, commit and time).
PlanOptions options_of(const Plan& plan);

/// How a field change shows the value of `field` — "host" (`host`, when not
/// empty) or an owned field of `owned` but the node ("replicas",
/// "limits.cpus", ...: model::owned_field_text) — the text apply's values
/// read as; nullopt when it is not owned or the name is none of these.
std::optional<std::string> owned_field_text(const std::string& host, const model::OwnedFields& owned,
                                            std::string_view field);

}  // namespace swarmform::plan
