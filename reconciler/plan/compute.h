#pragma once
// desired state + live state -> plan.  A pure function: no I/O, no clock,
// the same inputs always give the same plan.
//
// Ownership (Terraform-like): swarmform compares and writes only the owned
// fields a declared service declares.  `replicas`, `limits.cpus`,
// `limits.memory`, `reservations.cpus`, `reservations.memory` left out of
// the YAML are not owned: whatever the swarm has is kept and never shown as
// a difference (the live side's "no limit" is Docker's 0, so a declared
// limit against an unlimited service reads "none -> 1").  The placement
// constraint is always owned, since every service declares its host: the
// live `node.hostname==X` constraints (any spacing) are replaced by the one
// `node.hostname==<node of the host>`; every other constraint, label, env,
// mount or image is somebody else's.  A global-mode service (or a job) has
// no replica count to compare.

#include <string>
#include <vector>

#include "reconciler/model/desired.h"
#include "reconciler/model/live.h"
#include "reconciler/plan/plan.h"

namespace swarmform::plan {

struct PlanOptions {
  /// --target: only these services (declared keys, or live names of managed
  /// services to prune) are planned; the plan says it is partial.
  std::vector<std::string> targets;
  // Recorded in the plan as given (compute_plan reads no clock and no files).
  std::string desired_hash;  ///< desired_content_hash() of the files read
  std::string commit;
  std::string created_at;
};

/// The plan that makes `live` match `desired`:
/// - a declared service matches live services by `match` (exact name or
///   glob); several matches, or a live service matched by several declared
///   services, is an error finding and nothing is planned for it;
/// - matched: an update listing each owned field that differs, or a no-op;
/// - unmatched: a create when it declares an `image`, else an error finding;
/// - a live service labelled swarmform.managed=true and no longer declared:
///   a delete under policy.prune, else a warning;
/// - other undeclared live services: findings per policy.unmanaged, those
///   without limits first (none in a partial plan);
/// - per declared host: load before and after, errors for budgets breached
///   after the plan, warnings for declared capacity unlike the node's;
/// - errors for changes onto a node that is missing, down, drained or paused
///   and for local-volume data left behind by a move.
/// Services come in declared-name order, then deletes by name; findings
/// errors first, each group in the order found.
Plan compute_plan(const model::DesiredState& desired, const model::LiveState& live,
                  const PlanOptions& options);

}  // namespace swarmform::plan
