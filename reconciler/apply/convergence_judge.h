#pragma once
// Judging, from successive `GET /tasks?filters={"service":[id]}` answers,
// whether a service has converged, is still on its way, or has failed.
// No I/O and no clock of its own (the caller passes the time).
//
// Converged: the tasks with DesiredState running AND Status.State running
// that run the target's TaskTemplate (runs_template) on the target's node
// number exactly the desired count, and no other task of the service still
// holds a node (assigned ... running) — a task on its way out still uses the
// CPU and memory the next change on that host may need.  For a global
// service the desired count is the number of nodes with a task the
// orchestrator wants ready or running, and the verdict must hold on two
// observations in a row (between one node's old task stopping and its new
// one being created, that count is briefly one short).
//
// Failed, with the engine's own words:
//  - a task of the target spec stays pending with a Status.Err (e.g. "no
//    suitable node (insufficient resources on 2 nodes)"; or those words in
//    Status.Message) for longer than the grace period while no task of the
//    service is still stopping — the scheduler retries, but within an apply
//    nothing else will free the capacity.  At the timeout such a task is
//    reported the same way, never as a plain timeout;
//  - max_failed_tasks tasks of the target spec reach failed or rejected
//    (e.g. "Minimum memory limit allowed is 6MB"); tasks already failed at
//    the first observation are not counted.
//
// Changed elsewhere: the service, as a fresh `GET /services/{id}` shows it,
// no longer converges to the target (same_convergence()): someone changed an
// owned field or the task template during the apply (`docker service update
// --limit-cpu ...`), or it went back to its previous spec (`docker service
// rollback`, or the engine's own update failure_action).  Version.Index is no
// use for this: Swarm moves it by itself when it marks an update completed.

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "reconciler/apply/convergence_target.h"
#include "reconciler/util/result.h"

namespace swarmform::apply {

/// Node ID -> hostname, from `GET /nodes`.
using NodeNames = std::map<std::string, std::string>;

struct JudgeLimits {
  /// How long a task of the target spec may stay pending with the
  /// scheduler's error once no task of the service is stopping any more (a
  /// stopping task may hold the resources the new one waits for).
  std::chrono::milliseconds unschedulable_grace{std::chrono::seconds(5)};
  /// How many tasks of the target spec may fail or be rejected before it is a failure.
  int max_failed_tasks = 3;
};

struct Observation {
  /// changed_elsewhere: the spec is no longer the one waited for; `failure`
  /// says what moved ("written -> now").
  enum class Verdict { waiting, converged, failed, changed_elsewhere };
  Verdict verdict = Verdict::waiting;
  uint64_t running = 0;  ///< tasks running the target spec where they should
  uint64_t desired = 0;
  std::string node;  ///< target node, else the hostnames of those tasks ("kvm2,kvm4")
  /// The engine's latest words on tasks of the target spec that are not
  /// running: "pending: no suitable node (...)", "rejected on kvm4: ...".
  std::vector<std::string> messages;
  std::string failure;  ///< the reason, when verdict is failed or changed_elsewhere
  /// While a task of the target spec is pending with the scheduler's error:
  /// "<name>: a task of the new spec stayed pending for 2.0s: no suitable
  /// node (...)", what a wait that runs out of time reports instead of a
  /// plain timeout.  "" otherwise.
  std::string unschedulable;
};

/// Remembers what it saw across observations (failures already there at the
/// first, how long each task has been pending).  One judge per wait; not
/// thread-safe.
class ConvergenceJudge {
 public:
  ConvergenceJudge(ConvergenceTarget target, JudgeLimits limits)
      : target_(std::move(target)), limits_(limits) {}

  /// Judges one `GET /tasks` answer seen at `now` (steady clock, monotonic
  /// across calls).  `nodes` names the task's nodes; an unknown node ID
  /// counts as no hostname.  Fails when `tasks` is not an array of task
  /// objects (naming the JSON path).
  Result<Observation> observe(const nlohmann::json& tasks, const NodeNames& nodes,
                              std::chrono::steady_clock::time_point now);

  /// As above, and first judges `service` (a fresh `GET /services/{id}`):
  /// when its spec no longer converges to the target the verdict is
  /// changed_elsewhere, whatever the tasks say.  Fails when `service` is not
  /// a service (naming the JSON path).
  Result<Observation> observe(const nlohmann::json& service, const nlohmann::json& tasks,
                              const NodeNames& nodes, std::chrono::steady_clock::time_point now);

  /// Why `service` no longer converges to the target — "<name>: changed by
  /// someone else during apply (written -> now): limits.cpus: 0.5 -> 0.75" or
  /// "<name>: went back to its previous spec during apply (...)" — or "" when
  /// it still does.  Pure.
  [[nodiscard]] Result<std::string> changed_elsewhere(const nlohmann::json& service) const;

  [[nodiscard]] const ConvergenceTarget& target() const { return target_; }

 private:
  ConvergenceTarget target_;
  JudgeLimits limits_;
  bool first_ = true;
  int converged_streak_ = 0;
  std::set<std::string> failed_before_;        ///< failed or rejected at the first observation
  std::map<std::string, std::string> failed_;  ///< task ID -> "rejected on kvm4: ..."
  std::map<std::string, std::chrono::steady_clock::time_point> pending_since_;
};

/// A duration as the apply messages print it: "12.5s".
std::string seconds_text(std::chrono::milliseconds d);

}  // namespace swarmform::apply
