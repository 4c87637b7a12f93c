#pragma once
// The words every plan rendering shares: the summary line, drift, actions,
// restart markers, findings.

#include <string>

#include "reconciler/plan/plan.h"

namespace swarmform::render {

/// "Plan: 1 to create, 3 to update, 0 to delete; 2 services restart." or,
/// when nothing changes, "No changes. The swarm matches the desired state."
/// -- but "No changes planned." when errors block the plan (blocked_line
/// then says why): the swarm is not known to match.
std::string plan_summary(const plan::Plan& plan);

/// "Apply is blocked: 2 errors must be fixed first."; empty when not blocked.
std::string blocked_line(const plan::Plan& plan);

/// "Partial plan (--target web, api): other services were not compared and
/// may differ too."; empty for a full plan.
std::string partial_line(const plan::Plan& plan);

/// "changed outside swarmform (this update reverts it)", "changed in git",
/// "changed in git and outside swarmform"; empty for Drift::none.
std::string drift_words(plan::Drift drift);

/// "restarts 2 tasks", "no restart", "stops 1 task", "starts 2 tasks".
std::string restart_words(const plan::ServiceChange& change);

/// "error: web: message" / "warning: ...".
std::string finding_line(const plan::Finding& finding);

}  // namespace swarmform::render
