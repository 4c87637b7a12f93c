#pragma once
// After a change was posted: wait until its tasks converge; when they do
// not, roll back what this run posted.

#include <functional>
#include <string>

#include "reconciler/apply/apply_result.h"
#include "reconciler/apply/change_steps.h"
#include "reconciler/apply/convergence.h"
#include "reconciler/engine/docker_client.h"
#include "reconciler/plan/plan.h"

namespace swarmform::apply {

enum class RollbackOnFailure { no, yes };

/// Waits (`wait`) for the service `posted` by `change` to converge: applied.
/// A job (declared `mode: replicated-job` / `global-job`) is applied once
/// posted: its tasks run to completion, there is nothing to wait for.
/// A wait ended by a stop request is interrupted.  A change by someone else
/// during the wait is failed and not rolled back (theirs is the newer word).
/// Any other failure is reported ("! <name>: <why>") and, for an update this
/// run posted and with `rollback`, rolled back (the rollback's wait is never
/// stopped): rolled_back, or failed with the rollback's error.  `line` and
/// `progress` report as run_apply's Reporter does.  Not thread-safe (uses
/// `client`).
ServiceResult await_or_roll_back(engine::DockerClient& client, const plan::ServiceChange& change,
                                 const Posted& posted, const ConvergenceOptions& wait, RollbackOnFailure rollback,
                                 const std::function<void(const std::string&)>& line, const ProgressFn& progress);

}  // namespace swarmform::apply
