#include "reconciler/apply/await_or_roll_back.h"

#include "reconciler/apply/convergence_target.h"
#include "reconciler/apply/rollback.h"

namespace swarmform::apply {
namespace {

/// A replicated or global job (Spec.Mode.ReplicatedJob / GlobalJob).
bool is_job(const nlohmann::json& service) {
  auto spec = service.find("Spec");
  if (spec == service.end() || !spec->is_object()) return false;
  auto mode = spec->find("Mode");
  return mode != spec->end() && mode->is_object() && (mode->contains("ReplicatedJob") || mode->contains("GlobalJob"));
}

}  // namespace

ServiceResult await_or_roll_back(engine::DockerClient& client, const plan::ServiceChange& c, const Posted& posted,
                                 const ConvergenceOptions& wait, RollbackOnFailure on_failure,
                                 const std::function<void(const std::string&)>& line, const ProgressFn& progress) {
  ServiceResult r{c.name, c.action, Outcome::failed, "", posted.posted};
  if (is_job(posted.service)) {
    // A job's tasks run to completion: there is no state to converge to.
    // Its new spec is what the next run of the job uses.
    r.outcome = Outcome::applied;
    line("  " + c.name + ": a job runs to completion: its next run uses the new spec (not waited for)");
    return r;
  }
  auto target = convergence_target(posted.service);
  if (!target) {
    r.detail = target.error().message;
    return r;
  }
  auto converged = wait_for_convergence(client, *target, wait, progress);
  if (converged) {
    r.outcome = Outcome::applied;
    line("  " + c.name + ": converged, " + std::to_string(converged->running) + " running (" +
         std::to_string(converged->elapsed.count() / 1000) + "s)");
    return r;
  }
  r.detail = converged.error().message;
  if (wait.stop.stop_requested() && r.detail.find("stopped") != std::string::npos) {
    r.outcome = Outcome::interrupted;
    return r;
  }
  // Changed by someone else while we waited: theirs is the newer word, not rolled back over.
  bool theirs = converged.error().kind == ErrorKind::conflict;
  if (theirs) {
    r.detail += "; left as they made it, not rolled back";
    r.changed = false;  // the swarm holds their spec, not ours
  }
  line("! " + c.name + ": " + r.detail);
  // Roll back only what this run posted: PreviousSpec is otherwise somebody else's.
  if (theirs || on_failure == RollbackOnFailure::no || !plan::updates(c.action) || !posted.posted) return r;
  line("  " + c.name + ": rolling back to its previous spec");
  ConvergenceOptions back = wait;
  back.stop = {};  // a rollback in progress is always waited for
  auto rolled = rollback(client, c.live_id, c.desired, back, progress);
  if (rolled) {
    r.outcome = Outcome::rolled_back;
    r.changed = false;
    std::string back_to = "rolled back: previous spec restored, " + std::to_string(rolled->converged.running) +
                          " running after " + std::to_string(rolled->converged.elapsed.count() / 1000) + "s";
    r.detail += "; " + back_to;
    line("  " + c.name + ": " + back_to);
  } else {
    r.detail += "; rollback failed: " + rolled.error().message;
  }
  return r;
}

}  // namespace swarmform::apply
