#pragma once
// Carrying out a plan that was shown and agreed to: connect, take the
// swarm's lock, refuse a stale plan, apply in waves, summarise.  Shared by
// `apply` and `agent --self-heal`.

#include <chrono>

#include "reconciler/cli/engine_connection.h"
#include "reconciler/cli/signal_guard.h"
#include "reconciler/model/desired.h"
#include "reconciler/plan/plan.h"

namespace swarmform::cli {

struct ApplySettings {
  int parallelism = 4;
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};  ///< per service
  bool rollback_on_failure = true;
};

/// Applies `plan` (not blocked, not empty, already confirmed) to the swarm
/// whose manager `state` names: takes the lock (refusing when another apply
/// holds it), refuses a stale plan, makes the plan again from `state` (the
/// desired state it was made from) and the swarm read under the lock and
/// refuses unless its changes are the plan's and it passes every check
/// (nodes, budgets, feasibility, prune policy), applies, releases the lock
/// on every path, and prints progress and the summary (what was and was not
/// changed) to stdout, errors to stderr.  A stop request from `signals`, a
/// failed write on stdout (closed pipe or terminal: the summary then goes to
/// stderr) or the lock found taken away before a wave starts nothing new.
/// Returns the exit code: 0 when every change applied, else 1.
int apply_plan(const plan::Plan& plan, const model::DesiredState& state, const ConnectionOptions& connection,
               const ApplySettings& settings, const SignalGuard& signals, bool no_color);

/// A plan with nothing to apply: when the swarm's apply lock is held (another
/// apply running, or one that died), says so on stderr, with the holder and
/// whether it is gone, so a stale lock is seen before it blocks the next
/// change.  Errors reaching the swarm are not repeated here.
void mention_held_lock(const model::DesiredState& state, const ConnectionOptions& connection, bool no_color);

}  // namespace swarmform::cli
