#pragma once
// Carrying out a plan: capacity-ordered, parallel, each change waited on
// until its tasks converge, rolled back when it fails.  The caller has
// already taken the lock, checked the plan is not stale and not blocked.

#include <chrono>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "reconciler/apply/apply_result.h"
#include "reconciler/apply/convergence.h"
#include "reconciler/engine/docker_client.h"
#include "reconciler/model/live.h"
#include "reconciler/plan/plan.h"
#include "reconciler/transport/link_state.h"

namespace swarmform::apply {

struct ApplyOptions {
  int parallelism = 4;
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};  ///< per service
  bool rollback_on_failure = true;
  /// A stop request (SIGINT/SIGTERM): start nothing new; changes in flight
  /// finish their request and stop waiting.
  std::stop_token stop;
  /// The link to the manager, shared by every connection `connect` makes:
  /// once lost, changes not yet begun are not started (with the cause).
  std::shared_ptr<const transport::LinkState> link;
  /// Called before each wave starts (on the calling thread, no change in
  /// flight); false starts no more waves (the rest stay not_started), e.g.
  /// when the lock was taken away.  The hook reports why.  Optional.
  std::function<bool()> before_wave;
};

/// Opens a new engine client to the manager (each worker uses its own: an
/// SSH session and a client are not thread-safe).
using ClientFactory = std::function<Result<engine::DockerClient>()>;

struct Reporter {
  std::function<void(const std::string& line)> line;  ///< a finished step, a warning
  ProgressFn progress;                                 ///< convergence progress
  /// A change's result is final (any outcome but not_started); optional.
  std::function<void(const ServiceResult& result)> finished;
};

/// Applies every change of `plan` (no-ops get no call at all) in the waves
/// of wave_plan.h — changes that only release capacity, then moves, then the
/// rest — each wave `parallelism` at a time.  A change that adds load to a
/// host where an earlier releasing change failed is not started (its
/// capacity was never freed).
/// `live` is the fresh read the stale check used.  Reporter callbacks are
/// serialised.  Returns one result per change, in plan order.
std::vector<ServiceResult> run_apply(const plan::Plan& plan, const model::LiveState& live,
                                     const ClientFactory& connect, const ApplyOptions& options,
                                     const Reporter& reporter);

}  // namespace swarmform::apply
