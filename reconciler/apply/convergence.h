#pragma once
// Waiting for a service to converge after a change, judged from its tasks
// (convergence_judge.h), not from UpdateStatus, which on Docker 20.10 turns
// "completed" only a monitor period (~5 s) after the tasks are running.

#include <chrono>
#include <functional>
#include <stop_token>
#include <string>

#include "reconciler/apply/convergence_judge.h"
#include "reconciler/apply/convergence_target.h"
#include "reconciler/engine/docker_client.h"
#include "reconciler/util/result.h"

namespace swarmform::apply {

/// One line of progress: `saleor-api  1/2 running on kvm2  12s`.
struct Progress {
  std::string service;
  uint64_t running = 0;
  uint64_t desired = 0;
  std::string node;  ///< target node, else where the counted tasks run; may be ""
  std::chrono::milliseconds elapsed{0};
  std::vector<std::string> messages;  ///< the engine's latest words on tasks not running
};

/// Called once per poll, on the waiting thread.
using ProgressFn = std::function<void(const Progress&)>;

struct ConvergenceOptions {
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  std::chrono::milliseconds poll_interval{250};
  JudgeLimits limits{};
  /// A stop request ends the wait at the next poll with an error ("stopped").
  std::stop_token stop{};
};

struct Converged {
  uint64_t running = 0;
  std::chrono::milliseconds elapsed{0};
};

/// Polls `GET /services/{id}` and `GET /tasks?filters={"service":[id]}`
/// every poll_interval (and `GET /nodes` when a task is on a node not yet
/// known) until the judge says converged.  On failure: the judge's reason
/// with the engine's task errors (ErrorKind::failed); a spec changed by
/// someone else, or the service removed, during the wait (ErrorKind::conflict,
/// "<name>: changed by someone else during apply (written -> now): ...");
/// at the timeout, a task the scheduler cannot place in the engine's words
/// (ErrorKind::failed), else "<name>: not converged after 300.0s: 0/1 running
/// on kvm2; latest task messages: ..." (ErrorKind::timeout); a stop request
/// (ErrorKind::failed, "... stopped while waiting"); or the engine's error.  Not thread-safe (uses `client`); run concurrent waits on
/// separate clients.
Result<Converged> wait_for_convergence(engine::DockerClient& client,
                                       const ConvergenceTarget& target,
                                       const ConvergenceOptions& options = {},
                                       const ProgressFn& progress = {});

/// convergence_target() of a fresh `GET /services/{id}`.
Result<ConvergenceTarget> read_convergence_target(engine::DockerClient& client,
                                                  const std::string& service_id);

}  // namespace swarmform::apply
