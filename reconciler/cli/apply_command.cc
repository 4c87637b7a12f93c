#include <unistd.h>

#include <atomic>
#include <csignal>
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
  bool no_rollback = false;
  ConnectionOptions connection;
};

std::atomic<int> g_signal{0};
extern "C" void on_signal(int sig) { g_signal = sig; }

/// SIGINT/SIGTERM while applying: a stop request instead of death, so the
/// lock is released and the summary says what was done.
class SignalGuard {
 public:
  SignalGuard() {
    g_signal = 0;
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
    watcher_ = std::jthread([this](std::stop_token done) {
      while (!done.stop_requested()) {
        if (g_signal != 0 && !stop_.stop_requested()) {
          std::cerr << "\nswarmform: interrupted: starting nothing new; waiting for requests in flight\n";
          stop_.request_stop();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }
  ~SignalGuard() {
    watcher_.request_stop();
    watcher_.join();
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;
  [[nodiscard]] std::stop_token token() const { return stop_.get_token(); }
  [[nodiscard]] bool interrupted() const { return stop_.stop_requested(); }

 private:
  std::stop_source stop_;
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
  std::jthread watcher_;
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
  size_t applied = 0, failed = 0, rolled_back = 0;
  std::string changed_list, not_changed_list;
  for (const auto& r : results) {
    switch (r.outcome) {
      case apply::Outcome::applied: ++applied; break;
      case apply::Outcome::rolled_back: ++rolled_back; break;
      case apply::Outcome::failed: ++failed; break;
      case apply::Outcome::interrupted:
      case apply::Outcome::not_started: break;
    }
    bool changed = r.outcome == apply::Outcome::applied || r.outcome == apply::Outcome::interrupted;
    (changed ? changed_list : not_changed_list) += (changed ? changed_list : not_changed_list).empty() ? r.name : ", " + r.name;
    if (r.outcome == apply::Outcome::failed || r.outcome == apply::Outcome::rolled_back) {
      std::cerr << st.red("swarmform: error: " + r.name + ": " + r.detail) << "\n";
    }
  }
  std::cout << "\n"
            << (failed + rolled_back ? st.red("Apply finished with failures") : st.green("Apply complete")) << ": "
            << applied << " applied, " << unchanged << " unchanged, " << failed << " failed, " << rolled_back
            << " rolled back.\n";
  if (interrupted) {
    std::cout << "Interrupted. Changed: " << (changed_list.empty() ? "none" : changed_list)
              << ". Not changed: " << (not_changed_list.empty() ? "none" : not_changed_list)
              << ".\nRun `swarmform plan` to see what is left; the next apply finishes it.\n";
  }
  return failed + rolled_back > 0 || interrupted ? kExitError : kExitOk;
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
  auto lock = apply::acquire_lock(*client, *info);
  if (!lock) return error(lock.error().message);
  SignalGuard signals;
  auto release = [&] {
    auto released = apply::release_lock(*client, *lock);
    if (!released && released.error().kind != ErrorKind::not_found) {
      std::cerr << err.red("swarmform: error: releasing the lock: " + released.error().message + "; remove it with "
                           "`swarmform unlock " + lock->info.id + "`") << "\n";
    }
  };

  auto live = engine::read_live_state(*client);
  if (!live) {
    release();
    return error(live.error().message);
  }
  auto stale = apply::find_stale(plan, *live);
  if (!stale.empty()) {
    release();
    for (const auto& s : stale) std::cerr << err.red("swarmform: error: " + s.name + ": " + s.what) << "\n";
    return error("the plan is stale: " + std::to_string(stale.size()) +
                 " service(s) changed since it was made; nothing was applied. Run `swarmform plan` again");
  }

  std::cout << "\n" << out.bold("Applying") << " (lock " << lock->info.id << ")...\n";
  apply::ApplyOptions options;
  options.parallelism = opts.parallelism;
  options.timeout = *timeout;
  options.rollback_on_failure = !opts.no_rollback;
  options.stop = signals.token();
  ProgressPrinter printer;
  apply::Reporter reporter{[](const std::string& line) { std::cout << line << std::endl; },
                           [&printer](const apply::Progress& p) { printer(p); }};
  auto connect = [&state, &opts] { return connect_to_manager(state, opts.connection); };
  auto results = apply::run_apply(plan, *live, connect, options, reporter);
  release();
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
  cmd->add_flag("--no-rollback-on-failure", opts->no_rollback, "Leave a failed service as it is instead of rolling back");
  add_connection_flags(*cmd, opts->connection);
  cmd->callback([&global, &exit_code, opts] { exit_code = run_apply_command(global, *opts); });
}

}  // namespace swarmform::cli
