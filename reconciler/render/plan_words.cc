#include "reconciler/render/plan_words.h"

#include "reconciler/plan/wording.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::render {

using plan::plural;

std::string plan_summary(const plan::Plan& p) {
  // Errors can leave a plan empty (a service that could not be planned):
  // the swarm is then not known to match the desired state.
  if (p.empty() && p.blocked()) return "No changes planned.";
  if (p.empty() && !p.stored.empty()) {
    return "No changes in the swarm; Dokploy stores other values for " +
           plural(p.stored.size(), "service", "services") + ": apply writes them.";
  }
  if (p.empty()) return "No changes. The swarm matches the desired state.";
  size_t restarting = p.restarting();
  return "Plan: " + std::to_string(p.count(plan::Action::create)) + " to create, " +
         std::to_string(p.count(plan::Action::update)) + " to update, " +
         std::to_string(p.count(plan::Action::remove)) + " to delete; " +
         plural(restarting, "service restarts.", "services restart.");
}

std::string blocked_line(const plan::Plan& p) {
  if (!p.blocked()) return "";
  size_t errors = p.count(model::Severity::error);
  return "Apply is blocked: " + plural(errors, "error", "errors") + " must" + " be fixed first.";
}

std::string partial_line(const plan::Plan& p) {
  if (!p.partial()) return "";
  return "Partial plan (--target " + plan::join(p.targets) +
         "): other services were not compared and may differ too.";
}

std::string drift_words(plan::Drift drift) {
  switch (drift) {
    case plan::Drift::changed_outside:
      return "changed outside swarmform (this update reverts it)";
    case plan::Drift::changed_in_git:
      return "changed in git";
    case plan::Drift::both:
      return "changed in git and outside swarmform";
    case plan::Drift::none:
      break;
  }
  return "";
}

std::string restart_words(const plan::ServiceChange& c) {
  switch (c.action) {
    case plan::Action::create:
      return "starts " + plural(c.tasks_after, "task", "tasks");
    case plan::Action::remove:
      return "stops " + plural(c.tasks_before, "task", "tasks");
    case plan::Action::update:
      return c.restarts_tasks ? "restarts " + plural(c.tasks_restarted(), "task", "tasks")
                              : "no restart";
    case plan::Action::noop:
      break;
  }
  return "";
}

std::string finding_line(const plan::Finding& f) {
  return std::string(f.severity == model::Severity::error ? "error: " : "warning: ") +
         printable(f.subject) + ": " + printable_lines(f.message);
}

}  // namespace swarmform::render
