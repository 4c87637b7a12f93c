#include "reconciler/cli/apply_flow.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>
#include <stop_token>

#include "reconciler/apply/apply_run.h"
#include "reconciler/apply/lock.h"
#include "reconciler/apply/stale_check.h"
#include "reconciler/cli/apply_progress.h"
#include "reconciler/cli/dokploy_step.h"
#include "reconciler/cli/options.h"
#include "reconciler/cli/scope_exit.h"
#include "reconciler/engine/live_reader.h"
#include "reconciler/plan/compute.h"
#include "reconciler/plan/plan_match.h"
#include "reconciler/render/style.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::cli {
namespace {

int summarize(const std::vector<apply::ServiceResult>& results, size_t unchanged, bool interrupted,
              const render::Style& st, std::ostream& out) {
  size_t applied = 0, failed = 0, rolled_back = 0, stopped = 0, not_started = 0;
  std::string changed_list, not_changed_list;
  std::map<std::string, std::string> not_started_why;  // detail -> names
  for (const auto& r : results) {
    switch (r.outcome) {
      case apply::Outcome::applied: ++applied; break;
      case apply::Outcome::rolled_back: ++rolled_back; break;
      case apply::Outcome::failed: ++failed; break;
      case apply::Outcome::interrupted: ++stopped; break;
      case apply::Outcome::not_started: ++not_started; break;
    }
    std::string& list = r.changed ? changed_list : not_changed_list;
    list += (list.empty() ? "" : ", ") + printable(r.name);
    if (r.outcome == apply::Outcome::failed || r.outcome == apply::Outcome::rolled_back) {
      std::cerr << st.red("swarmform: error: " + printable(r.name) + ": " + printable_lines(r.detail)) << "\n";
    }
    if (r.outcome == apply::Outcome::not_started && !r.detail.empty()) {
      std::string& names = not_started_why[r.detail];
      names += (names.empty() ? "" : ", ") + printable(r.name);
    }
  }
  // One line per cause: a lost connection leaves many changes not started.
  for (const auto& [why, names] : not_started_why) {
    std::cerr << st.red("swarmform: error: " + names + ": " + printable_lines(why)) << "\n";
  }
  bool bad = failed + rolled_back > 0 || interrupted || not_started > 0;
  std::string headline = interrupted ? "Apply interrupted"
                         : bad       ? "Apply finished with failures"
                                     : "Apply complete";
  out << "\n"
      << (bad ? st.red(headline) : st.green(headline)) << ": " << applied << " applied, " << unchanged
      << " unchanged, " << failed << " failed, " << rolled_back << " rolled back";
  if (stopped + not_started > 0) out << ", " << stopped << " interrupted, " << not_started << " not started";
  out << ".\n";
  if (bad) {
    out << "Changed: " << (changed_list.empty() ? "none" : changed_list)
              << ". Not changed: " << (not_changed_list.empty() ? "none" : not_changed_list)
              << ".\nRun `swarmform plan` to see what is left; the next apply finishes it.\n";
  }
  return bad ? kExitError : kExitOk;
}

/// `plan` made again from `state` and the live swarm just read under the
/// lock: every check the plan ran (nodes ready and active, budgets,
/// feasibility, prune policy) runs again before anything changes, and the
/// changes must be the plan's own.  The plan to carry out, or an error
/// (details printed to stderr first).
Result<plan::Plan> plan_again(const plan::Plan& plan, const model::DesiredState& state, const model::LiveState& live,
                              const render::Style& err) {
  plan::Plan fresh = plan::compute_plan(state, live, plan::options_of(plan));
  fresh.ref = plan.ref;
  fresh.uncommitted = plan.uncommitted;
  auto mismatches = plan::compare_changes(plan, fresh);
  if (!mismatches.empty()) {
    bool swarm_only = true;
    for (const auto& m : mismatches) {
      std::cerr << err.red("swarmform: error: " + m.service + ": " + m.what) << "\n";
      swarm_only = swarm_only && m.swarm_changed;
    }
    if (swarm_only) {
      return fail("the plan is stale: " + std::to_string(mismatches.size()) +
                  " change(s) differ now that the swarm changed since it was made; nothing was applied. "
                  "Run `swarmform plan` again");
    }
    return fail("the plan file does not match the desired state it claims to come from (" + plan.desired_hash +
                "): planned again from that desired state and the swarm, " + std::to_string(mismatches.size()) +
                " change(s) differ (above). It was edited after `swarmform plan` wrote it, or the swarm changed in "
                "a way the plan did not record; nothing was applied. Make a new plan (swarmform plan --out FILE), "
                "review it, and apply that");
  }
  if (fresh.blocked()) {
    for (const auto& f : fresh.findings) {
      if (f.severity == model::Severity::error) {
        std::cerr << err.red("swarmform: error: " + f.subject + ": " + f.message) << "\n";
      }
    }
    return fail("the swarm changed since the plan was made: " + std::to_string(fresh.count(model::Severity::error)) +
                " check(s) the plan passed fail now (above); nothing was applied. Run `swarmform plan` again");
  }
  return fresh;
}

}  // namespace

int apply_plan(const plan::Plan& plan, const model::DesiredState& state, const ConnectionOptions& connection,
               const ApplySettings& settings, const SignalGuard& signals, bool no_color) {
  render::Style err = render::style_for(STDERR_FILENO, no_color);
  render::Style out = render::style_for(STDOUT_FILENO, no_color);
  auto error = [&err](const std::string& message) {
    std::cerr << err.red("swarmform: error: " + printable_lines(message)) << "\n";
    return kExitError;
  };
  // Every connection of the run shares one link state: the first to lose the
  // manager stops the others and leaves the rest not started.
  ConnectionOptions run_connection = connection;
  auto link = std::make_shared<transport::LinkState>();
  run_connection.link = link;
  run_connection.stop = signals.token();
  auto client = connect_to_manager(state, run_connection);
  if (!client) return error(client.error().message);
  auto info = apply::new_lock_info(plan.commit);
  if (!info) return error(info.error().message);
  auto lock = apply::acquire_lock(*client, *info);
  if (!lock) return error(lock.error().message);
  ScopeExit release([&] {
    auto released = apply::release_lock(*client, *lock);
    if (!released && released.error().kind != ErrorKind::not_found) {
      // The manager connection sat idle through the apply (or its link was
      // lost): try a fresh one, briefly once the user asked to stop.
      ConnectionOptions fresh = connection;
      if (signals.interrupted()) fresh.connect_timeout_s = 1;
      auto again = connect_to_manager(state, fresh);
      if (again) released = apply::release_lock(*again, *lock);
    }
    if (!released && released.error().kind != ErrorKind::not_found) {
      std::cerr << err.red("swarmform: error: releasing the lock: " + printable_lines(released.error().message) +
                           "; remove it with `swarmform unlock " + lock->info.id + "`") << "\n";
    }
  });
  if (signals.interrupted()) return error("interrupted before anything was changed");

  auto live = engine::read_live_state(*client);
  if (!live) return error(live.error().message);
  auto stale = apply::find_stale(plan, *live);
  if (!stale.empty()) {
    for (const auto& s : stale) {
      std::cerr << err.red("swarmform: error: " + printable(s.name) + ": " + printable_lines(s.what)) << "\n";
    }
    return error("the plan is stale: " + std::to_string(stale.size()) +
                 " service(s) changed since it was made; nothing was applied. Run `swarmform plan` again");
  }

  auto remade = plan_again(plan, state, *live, err);
  if (!remade) return error(remade.error().message);
  const plan::Plan& checked = *remade;  // its changes are the plan's

  std::cout << "\n" << out.bold("Applying") << " (lock " << lock->info.id << ")...\n" << std::flush;
  // `apply | head` closed our stdout, or the terminal went away: SIGPIPE is
  // ignored (SignalGuard), so the write failed instead.  Stop printing (the
  // stream stays failed) and stop as on SIGTERM; the summary goes to stderr.
  if (!std::cout.good()) return error("stdout was closed before anything was changed; nothing was applied");
  // integrations.dokploy: Dokploy's stored values first, so its next deploy
  // keeps what the swarm gets; a service whose write failed is left out.
  auto dokploy_writes = write_dokploy_first(checked, state, run_connection, std::cout, out);
  if (!dokploy_writes) return error(dokploy_writes.error().message);
  const plan::Plan runnable = without_failed_writes(checked, *dokploy_writes);
  std::stop_source stop;
  std::stop_callback forward(signals.token(), [&stop] { stop.request_stop(); });
  bool stdout_lost = false;  // touched only under run_apply's reporter lock, read after it returns
  auto watch_stdout = [&] {
    if (stdout_lost || std::cout.good()) return;
    stdout_lost = true;
    std::cerr << "\nswarmform: stdout was closed: printing stops; starting nothing new, waiting for requests in "
                 "flight\n";
    stop.request_stop();
  };

  apply::ApplyOptions options;
  options.parallelism = settings.parallelism;
  options.timeout = settings.timeout;
  options.rollback_on_failure = settings.rollback_on_failure;
  options.stop = stop.get_token();
  // Between waves nothing is in flight and the manager connection is idle:
  // make sure the lock is still ours (`unlock --force` or `docker config rm`
  // may have taken it), else a second apply may be running alongside.
  options.before_wave = [&] {
    auto held = apply::check_lock_held(*client, *lock);
    if (!held && held.error().kind != ErrorKind::conflict) {
      if (auto again = connect_to_manager(state, connection)) held = apply::check_lock_held(*again, *lock);
    }
    if (held) return true;
    std::cerr << err.red("swarmform: error: " + printable_lines(held.error().message) +
                         "; stopping: nothing more is started")
              << "\n";
    stop.request_stop();
    return false;
  };
  // The status line only where someone watches it, never in a CI log.
  const char* term = std::getenv("TERM");
  const bool tty = isatty(STDOUT_FILENO) == 1 && !(term != nullptr && std::string(term) == "dumb");
  ApplyProgress shown(std::cout, tty, runnable);
  options.link = link;
  apply::Reporter inner = shown.reporter();
  apply::Reporter watched{[&](const std::string& line) {
                            inner.line(line);
                            watch_stdout();
                          },
                          [&](const apply::Progress& p) {
                            inner.progress(p);
                            watch_stdout();
                          },
                          [&](const apply::ServiceResult& r) {
                            inner.finished(r);
                            watch_stdout();
                          }};
  auto connect = [&state, &run_connection] { return connect_to_manager(state, run_connection); };
  auto results = apply::run_apply(runnable, *live, connect, options, watched);
  for (const auto& [name, why] : dokploy_writes->failed) {
    results.push_back({name, plan::Action::update, apply::Outcome::failed, why, false});
  }
  shown.done();
  std::ostringstream summary;
  int rc = summarize(results, checked.count(plan::Action::noop), stop.stop_requested(), out, summary);
  std::cout << summary.str() << std::flush;
  if (!std::cout.good()) {
    // Nobody reads stdout any more: the summary goes where it can be seen.
    std::cerr << summary.str() << "(stdout was closed: this summary is on stderr)\n";
    rc = kExitError;
  }
  return rc;
}

void mention_held_lock(const model::DesiredState& state, const ConnectionOptions& connection, bool no_color) {
  render::Style err = render::style_for(STDERR_FILENO, no_color);
  auto client = connect_to_manager(state, connection);
  if (!client) return;  // the plan just read this swarm; nothing more to say
  auto held = apply::read_lock(*client);
  if (!held) {
    std::cerr << err.yellow("swarmform: warning: " + printable_lines(held.error().message)) << "\n";
    return;
  }
  if (!held->has_value()) return;
  const apply::LockInfo& holder = **held;
  std::cerr << err.yellow("swarmform: warning: nothing to apply, but " +
                          apply::lock_held_message(holder, std::chrono::system_clock::now(),
                                                   apply::holder_state(holder)))
            << "\n";
}

}  // namespace swarmform::cli
