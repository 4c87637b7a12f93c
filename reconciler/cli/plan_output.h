#pragma once
// Making and showing plans, shared by plan, show, apply and drift.

#include <string>
#include <vector>

#include "reconciler/cli/engine_connection.h"
#include "reconciler/cli/options.h"
#include "reconciler/plan/plan.h"
#include "reconciler/util/result.h"

namespace swarmform::cli {

/// Reads the desired state of global.dir, the live swarm through its
/// manager, and computes the plan (targets as --target).  Desired-state
/// diagnostics are printed to stderr as they are found; on failure the error
/// says what failed (its message is empty when the diagnostics said it all).
Result<plan::Plan> make_plan(const GlobalOptions& global, const ConnectionOptions& connection,
                             const std::vector<std::string>& targets);

/// Prints `plan` to stdout as text (colour on a tty), json or markdown.
void print_plan(const plan::Plan& plan, const std::string& format, bool no_color);

/// 1 when the plan is blocked by an error finding; with `detailed`, 2 when it
/// changes something; else 0.
int plan_exit_code(const plan::Plan& plan, bool detailed);

}  // namespace swarmform::cli
