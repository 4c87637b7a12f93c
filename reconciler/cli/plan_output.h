#pragma once
// Making and showing plans, shared by plan, show, apply and drift.

#include <string>
#include <vector>

#include "reconciler/cli/desired_input.h"
#include "reconciler/cli/engine_connection.h"
#include "reconciler/cli/options.h"
#include "reconciler/plan/plan.h"
#include "reconciler/util/result.h"

namespace swarmform::cli {

/// What a plan is made of, beyond the global options.
struct PlanInputs {
  std::vector<std::string> targets;  ///< --target
  SourceOptions source;              ///< --ref, --repo, --cache-dir
  std::string base;                  ///< --base REF: also diff the desired state against that commit
};

/// Reads the desired state of global.dir from `inputs.source`, the live
/// swarm through its manager, and computes the plan; records where the
/// desired state came from (commit, ref, uncommitted files) and, with a
/// base, the desired-state changes since it.  Desired-state diagnostics are
/// printed to stderr as they are found; on failure the error says what
/// failed (its message is empty when the diagnostics said it all).
Result<plan::Plan> make_plan(const GlobalOptions& global, const ConnectionOptions& connection,
                             const PlanInputs& inputs);

/// The first half of make_plan: the desired state read from
/// `inputs.source` (diagnostics printed); an error when it does not load.
Result<DesiredInput> read_plan_input(const GlobalOptions& global, const ConnectionOptions& connection,
                                     const PlanInputs& inputs);

/// The second half: the plan of `in` (a loaded state) against the live swarm.
Result<plan::Plan> plan_for(const DesiredInput& in, const GlobalOptions& global, const ConnectionOptions& connection,
                            const PlanInputs& inputs);

/// The source options with the connection's key and host-key rules for a
/// --repo over SSH.
SourceOptions with_connection(SourceOptions source, const ConnectionOptions& connection);

/// Where print_plan prints: stderr when stdout carries something else (plan --out -).
enum class PlanView { to_stdout, to_stderr };

/// Prints `plan` to stdout (or stderr) as text (colour on a tty), json or markdown.
void print_plan(const plan::Plan& plan, const std::string& format, bool no_color,
                PlanView where = PlanView::to_stdout);

/// 1 when the plan is blocked by an error finding; with `detailed`, 2 when it
/// changes something (in the swarm or in Dokploy's stored values); else 0.
int plan_exit_code(const plan::Plan& plan, bool detailed);

}  // namespace swarmform::cli
