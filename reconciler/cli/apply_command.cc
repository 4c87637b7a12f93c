#include <unistd.h>

#include <pthread.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <thread>

#include "reconciler/apply/apply_run.h"
#include "reconciler/apply/lock.h"
#include "reconciler/apply/stale_check.h"
#include "reconciler/cli/commands.h"
#include "reconciler/cli/desired_input.h"
#include "reconciler/cli/duration.h"
#include "reconciler/cli/engine_connection.h"
#include "reconciler/cli/plan_output.h"
#include "reconciler/engine/live_reader.h"
#include "reconciler/plan/plan_file.h"
#include "reconciler/render/style.h"
#include "reconciler/util/file.h"

namespace swarmform::cli {
namespace {

struct ApplyCommandOptions {
  std::string planfile;
  bool auto_approve = false;
  std::vector<std::string> targets;
  int parallelism = 4;
  std::string timeout = "5m";
  bool rollback = true;
  ConnectionOptions connection;
};

/// SIGINT/SIGTERM while applying: a stop request instead of death, so the
/// lock is released and the summary says what was done.  The signals are
/// blocked in every thread (workers inherit the mask) and taken by one
/// watcher with sigtimedwait, so no request in flight ever sees EINTR.  A
/// second signal ends the process at once, as a user pressing Ctrl-C twice
/// expects.
class SignalGuard {
 public:
  SignalGuard() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &old_mask_);
    watcher_ = std::jthread([this](std::stop_token done) {
      const timespec tick{0, 50'000'000};
      while (!done.stop_requested()) {
        int sig = sigtimedwait(&set_, nullptr, &tick);
        if (sig <= 0) continue;
        if (stop_.stop_requested()) {
          std::cerr << "\nswarmform: second signal: exiting now; the lock may stay (swarmform unlock)\n";
          std::_Exit(128 + sig);
        }
        std::cerr << "\nswarmform: interrupted: starting nothing new; waiting for requests in flight "
                     "(again to exit at once)\n";
        stop_.request_stop();
      }
    });
  }
  ~SignalGuard() {
    watcher_.request_stop();
    watcher_.join();
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;
  [[nodiscard]] std::stop_token token() const { return stop_.get_token(); }
  [[nodiscard]] bool interrupted() const { return stop_.stop_requested(); }

 private:
  sigset_t set_{};
  sigset_t old_mask_{};
  std::stop_source stop_;
  std::jthread watcher_;
};

/// Runs `f` when it goes out of scope, on every path.
template <class F>
class ScopeExit {
 public:
  explicit ScopeExit(F f) : f_(std::move(f)) {}
  ~ScopeExit() { f_(); }
  ScopeExit(const ScopeExit&) = delete;
  ScopeExit& operator=(const ScopeExit&) = delete;

 private:
  F f_;
};

/// Prints convergence progress as plain lines: when the count changes, and
/// every 10 s while waiting.
class ProgressPrinter {
 public:
  void operator()(const apply::Progress& p) {
    auto& last = last_[p.service];
    auto secs = p.elapsed.count() / 1000;
    if (last.running == p.running && last.desired == p.desired && secs - last.secs < 10) return;
    last = {p.running, p.desired, secs};
    std::string line = "  " + p.service + "  " + std::to_string(p.running) + "/" + std::to_string(p.desired) +
                       " running" + (p.node.empty() ? "" : " on " + p.node) + "  " + std::to_string(secs) + "s";
    if (!p.messages.empty()) line += "  (" + p.messages.front() + ")";
    std::cout << line << std::endl;
  }

 private:
  struct Seen {
    uint64_t running = ~0ull;
    uint64_t desired = ~0ull;
    int64_t secs = 0;
  };
  std::map<std::string, Seen> last_;
};

bool confirmed() {
  std::cout << "\nDo you want to perform these actions? Only 'yes' will be accepted: " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "yes";
}

int summarize(const std::vector<apply::ServiceResult>& results, size_t unchanged, bool interrupted,
              const render::Style& st) {
  size_t applied = 0, failed = 0, rolled_back = 0, stopped = 0, not_started = 0;
  std::string changed_list, not_changed_list;
  for (const auto& r : results) {
    switch (r.outcome) {
      case apply::Outcome::applied: ++applied; break;
      case apply::Outcome::rolled_back: ++rolled_back; break;
      case apply::Outcome::failed: ++failed; break;
      case apply::Outcome::interrupted: ++stopped; break;
      case apply::Outcome::not_started: ++not_started; break;
    }
    std::string& list = r.changed ? changed_list : not_changed_list;
    list += (list.empty() ? "" : ", ") + r.name;
    if (r.outcome == apply::Outcome::failed || r.outcome == apply::Outcome::rolled_back) {
      std::cerr << st.red("swarmform: error: " + r.name + ": " + r.detail) << "\n";
    }
  }
  bool bad = failed + rolled_back > 0 || interrupted || not_started > 0;
  std::string headline = interrupted ? "Apply interrupted"
                         : bad       ? "Apply finished with failures"
                                     : "Apply complete";
  std::cout << "\n"
            << (bad ? st.red(headline) : st.green(headline)) << ": " << applied << " applied, " << unchanged
            << " unchanged, " << failed << " failed, " << rolled_back << " rolled back";
  if (stopped + not_started > 0) std::cout << ", " << stopped << " interrupted, " << not_started << " not started";
  std::cout << ".\n";
  if (bad) {
    std::cout << "Changed: " << (changed_list.empty() ? "none" : changed_list)
              << ". Not changed: " << (not_changed_list.empty() ? "none" : not_changed_list)
              << ".\nRun `swarmform plan` to see what is left; the next apply finishes it.\n";
  }
  return bad ? kExitError : kExitOk;
}

int run_apply_command(const GlobalOptions& global, const ApplyCommandOptions& opts) {
  render::Style err = render::style_for(STDERR_FILENO, global.no_color);
  render::Style out = render::style_for(STDOUT_FILENO, global.no_color);
  auto error = [&err](const std::string& message) {
    std::cerr << err.red("swarmform: error: " + message) << "\n";
    return kExitError;
  };
  auto timeout = parse_duration(opts.timeout);
  if (!timeout) return error("--timeout: " + timeout.error().message);
  if (!opts.planfile.empty() && !opts.targets.empty()) {
    return error("--target applies to a fresh plan; a saved plan is applied as it was saved (plan it with --target)");
  }

  // The desired state names the manager to connect to, also for a saved plan.
  DesiredInput in = read_desired(global.dir, CheckBudgets::no);
  if (!in.loaded.state) {
    print_diagnostics(in.loaded.diagnostics, global.no_color);
    return error("the desired state in " + global.dir + " has errors; it names the swarm to apply to");
  }
  const model::DesiredState& state = *in.loaded.state;

  plan::Plan plan;
  if (!opts.planfile.empty()) {
    auto text = read_file(opts.planfile);
    if (!text) return error(text.error().message);
    auto loaded = plan::parse_plan_json_text(*text);
    if (!loaded) return error(opts.planfile + " is not a swarmform plan: " + loaded.error().message);
    plan = std::move(*loaded);
  } else {
    auto made = make_plan(global, opts.connection, opts.targets);
    if (!made) return made.error().message.empty() ? kExitError : error(made.error().message);
    plan = std::move(*made);
  }
  print_plan(plan, "text", global.no_color);
  if (plan.blocked()) return error("the plan has errors (above); nothing was applied");
  if (plan.empty()) return kExitOk;  // the plan text said "No changes."
  if (opts.planfile.empty() && !opts.auto_approve) {
    if (isatty(STDIN_FILENO) != 1) {
      return error("apply needs a 'yes': run it on a terminal, pass --auto-approve, or apply a saved plan "
                   "(swarmform plan --out FILE; swarmform apply FILE)");
    }
    if (!confirmed()) return error("apply cancelled; nothing was changed");
  }

  auto client = connect_to_manager(state, opts.connection);
  if (!client) return error(client.error().message);
  auto info = apply::new_lock_info(plan.commit);
  if (!info) return error(info.error().message);
  SignalGuard signals;  // before the lock: a signal from here on never leaves it behind
  auto lock = apply::acquire_lock(*client, *info);
  if (!lock) return error(lock.error().message);
  ScopeExit release([&] {
    auto released = apply::release_lock(*client, *lock);
    if (!released && released.error().kind != ErrorKind::not_found) {
      // The manager connection sat idle through the apply: try a fresh one.
      auto again = connect_to_manager(state, opts.connection);
      if (again) released = apply::release_lock(*again, *lock);
    }
    if (!released && released.error().kind != ErrorKind::not_found) {
      std::cerr << err.red("swarmform: error: releasing the lock: " + released.error().message +
                           "; remove it with `swarmform unlock " + lock->info.id + "`") << "\n";
    }
  });
  if (signals.interrupted()) return error("interrupted before anything was changed");

  auto live = engine::read_live_state(*client);
  if (!live) return error(live.error().message);
  auto stale = apply::find_stale(plan, *live);
  if (!stale.empty()) {
    for (const auto& s : stale) std::cerr << err.red("swarmform: error: " + s.name + ": " + s.what) << "\n";
    return error("the plan is stale: " + std::to_string(stale.size()) +
                 " service(s) changed since it was made; nothing was applied. Run `swarmform plan` again");
  }

  std::cout << "\n" << out.bold("Applying") << " (lock " << lock->info.id << ")...\n";
  apply::ApplyOptions options;
  options.parallelism = opts.parallelism;
  options.timeout = *timeout;
  options.rollback_on_failure = opts.rollback;
  options.stop = signals.token();
  ProgressPrinter printer;
  apply::Reporter reporter{[](const std::string& line) { std::cout << line << std::endl; },
                           [&printer](const apply::Progress& p) { printer(p); }};
  auto connect = [&state, &opts] { return connect_to_manager(state, opts.connection); };
  auto results = apply::run_apply(plan, *live, connect, options, reporter);
  return summarize(results, plan.count(plan::Action::noop), signals.interrupted(), out);
}

}  // namespace

void add_apply_command(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<ApplyCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "apply", "Make the swarm match the desired state (or apply a saved plan), under the swarm's apply lock");
  cmd->add_option("planfile", opts->planfile, "A plan saved by `swarmform plan --out FILE` (applied without asking)");
  cmd->add_flag("--auto-approve", opts->auto_approve, "Do not ask for 'yes' first");
  cmd->add_option("--target", opts->targets, "Apply only this service (repeatable)");
  cmd->add_option("--parallelism", opts->parallelism, "Services changed at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--timeout", opts->timeout, "Per service: how long to wait for its tasks (e.g. 90s, 5m)")
      ->capture_default_str();
  cmd->add_flag("--rollback-on-failure,!--no-rollback-on-failure", opts->rollback,
                "Roll a service that fails back to its previous spec (default; --no-rollback-on-failure leaves it)");
  add_connection_flags(*cmd, opts->connection);
  cmd->callback([&global, &exit_code, opts] { exit_code = run_apply_command(global, *opts); });
}

}  // namespace swarmform::cli
