#pragma once
// What a service converges to: its replicas, on its node, running its
// current TaskTemplate.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "reconciler/model/owned_fields.h"
#include "reconciler/util/result.h"

namespace swarmform::apply {

struct ConvergenceTarget {
  std::string service_id;
  std::string service_name;
  /// Tasks that must run; nullopt for a global service (one per eligible
  /// node, counted from the tasks the orchestrator wants running).
  std::optional<uint64_t> replicas;
  /// Hostname every task must run on (its node.hostname== constraint); "" any.
  std::string node;
  nlohmann::json task_template;  ///< Spec.TaskTemplate the tasks must run
  /// The owned fields of that spec: a spec read later whose convergence
  /// differs was changed by someone else, and these name what moved.
  model::OwnedFields owned{};
  /// Waiting for a rollback: the tasks must run the previous spec again
  /// (only the words of the judge's failures change).
  bool rollback = false;
  /// PreviousSpec of the service as read (null when none): a spec that
  /// converges like it is a rollback, not someone else's new change.
  nlohmann::json previous_spec{};
};

/// Whether `a` and `b` converge to the same tasks: same replicas, node, and
/// TaskTemplate Resources, Placement and ForceUpdate (empty values ignored,
/// as runs_template() compares them).  IDs, names and `rollback` are not
/// compared.  Pure.
bool same_convergence(const ConvergenceTarget& a, const ConvergenceTarget& b);

/// The target of `service` as `GET /services/{id}` returns it (ID, Spec.Name,
/// Spec.Mode, Spec.TaskTemplate).  Fails for jobs, which do not converge to a
/// running count, and on a missing ID or a value of the wrong type.  Pure.
Result<ConvergenceTarget> convergence_target(const nlohmann::json& service);

}  // namespace swarmform::apply
