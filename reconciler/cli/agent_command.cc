// `swarmform agent`: pull mode.  Every interval: fetch, plan, report (log,
// webhook, metrics); with --self-heal, apply a plan that changes something
// and has no blocking findings, under the same lock as `apply`.  One cycle at
// a time; errors back off; SIGTERM stops cleanly between or inside cycles
// (an apply in flight stops as `apply` does on a signal).

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include "reconciler/cli/apply_flow.h"
#include "reconciler/cli/commands.h"
#include "reconciler/cli/drift_check.h"
#include "reconciler/cli/duration.h"
#include "reconciler/cli/signal_guard.h"
#include "reconciler/render/drift_text.h"
#include "reconciler/util/file.h"

namespace swarmform::cli {
namespace {

struct AgentOptions {
  std::string interval = "5m";
  bool self_heal = false;
  bool once = false;
  Publish publish;
  std::string notify_timeout = "10s";
  int parallelism = 4;
  std::string timeout = "5m";
  ConnectionOptions connection;
  SourceOptions source;
};

/// The wait before the next cycle: the interval after a good one; after
/// `failures` failed ones in a row 10 s, 20 s, 40 s, ... up to the interval,
/// so a flapping network is retried soon and a lasting failure is not
/// hammered.
std::chrono::milliseconds next_wait(std::chrono::milliseconds interval, int failures) {
  if (failures == 0) return interval;
  std::chrono::milliseconds backoff(10'000LL << std::min(failures - 1, 16));
  return std::min(backoff, interval);
}

void log_line(const std::string& line) { std::cout << utc_now_rfc3339() << " " << line << std::endl; }

/// One cycle: check, report, maybe heal.  Returns whether it failed.
bool run_cycle(const GlobalOptions& global, const AgentOptions& opts, const ApplySettings& settings,
               const SignalGuard& signals, std::string& last_fingerprint) {
  DriftCheck check = check_drift(global, opts.connection, opts.source);
  const report::DriftReport& r = check.report;
  std::string fingerprint = report_fingerprint(r);
  const bool news = fingerprint != last_fingerprint;
  // The whole report when the news changes, one line otherwise: the log
  // reads as a history, not as the same report every five minutes.  The
  // webhook hears news only, and not "in sync" at start-up (nothing to say).
  Publish publish = opts.publish;
  publish.format = "";
  if (news) std::cout << render::drift_text(r, render::Style{});
  else log_line(std::string(report::status_name(r.status)) + " (unchanged)");
  const bool notify = news && !(last_fingerprint.empty() && r.status == report::Status::in_sync);
  bool delivered = true;
  int rc = publish_report(r, publish, notify, global.no_color, &delivered);
  // A notification that did not go out is tried again next cycle.
  if (delivered) last_fingerprint = fingerprint;
  bool failed = rc == kExitError;
  if (!opts.self_heal || !check.plan || r.status != report::Status::drift) return failed;
  if (signals.interrupted()) return failed;  // stopping: start no apply
  const plan::Plan& plan = *check.plan;
  if (plan.dirty()) {
    log_line("self-heal skipped: the desired state has uncommitted changes");
    return failed;
  }
  log_line("self-heal: applying " + std::to_string(plan.services.size() - plan.count(plan::Action::noop)) +
           " change(s) from commit " + plan.commit.substr(0, 12));
  int applied = apply_plan(plan, *check.input->loaded.state, opts.connection, settings, signals, global.no_color);
  if (applied != kExitOk) log_line("self-heal failed (above); the next cycle plans again");
  return failed || applied != kExitOk;
}

int run_agent(const GlobalOptions& global, AgentOptions& opts) {
  auto fail_with = [](const std::string& m) {
    std::cerr << "swarmform: error: " << m << "\n";
    return kExitError;
  };
  auto interval = parse_duration(opts.interval);
  if (!interval) return fail_with("--interval: " + interval.error().message);
  if (*interval < std::chrono::seconds(10)) return fail_with("--interval: at least 10s (each cycle reads the swarm)");
  auto timeout = parse_duration(opts.timeout);
  if (!timeout) return fail_with("--timeout: " + timeout.error().message);
  auto notify_timeout = parse_duration(opts.notify_timeout);
  if (!notify_timeout) return fail_with("--notify-timeout: " + notify_timeout.error().message);
  opts.publish.notify_timeout = *notify_timeout;
  ApplySettings settings{opts.parallelism, *timeout, true};

  SignalGuard signals;
  if (opts.source.repo.empty()) {
    log_line("note: without --repo the agent fetches nothing; it reads " +
             (opts.source.ref.empty() ? std::string("the working tree ") + global.dir : "--ref " + opts.source.ref) +
             " as it is, so keep it up to date yourself (or give --repo URL)");
  }
  log_line("agent started: " + (opts.source.repo.empty() ? global.dir : opts.source.repo) +
           (opts.source.ref.empty() ? "" : " at " + opts.source.ref) + ", every " + opts.interval +
           (opts.self_heal ? ", self-heal on" : ", report only"));
  std::string last_fingerprint;
  int failures = 0;
  while (!signals.interrupted()) {
    bool failed = run_cycle(global, opts, settings, signals, last_fingerprint);
    failures = failed ? failures + 1 : 0;
    if (opts.once) return failed ? kExitError : kExitOk;
    auto wait = next_wait(*interval, failures);
    if (failed) log_line("cycle failed (" + std::to_string(failures) + " in a row); next try in " +
                         std::to_string(wait.count() / 1000) + "s");
    if (signals.sleep_for(wait)) break;
  }
  log_line("agent stopped");
  return kExitOk;
}

}  // namespace

void add_agent_command(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<AgentOptions>();
  CLI::App* cmd = app.add_subcommand(
      "agent", "Pull mode: every interval fetch the desired state, plan, report (and with --self-heal, apply)");
  cmd->add_option("--interval", opts->interval, "Time between cycles (e.g. 5m)")->capture_default_str();
  cmd->add_flag("--self-heal", opts->self_heal,
                "Apply a plan that changes something and has no blocking findings (under the apply lock)");
  cmd->add_flag("--once", opts->once, "Run one cycle and exit (1 when it failed)");
  cmd->add_option("--notify", opts->publish.notify_url,
                  "POST the JSON report to this webhook when the news changes (drift, error, back in sync); also "
                  "SWARMFORM_NOTIFY_URL, which keeps a secret URL out of ps")
      ->envname("SWARMFORM_NOTIFY_URL");
  cmd->add_option("--notify-timeout", opts->notify_timeout, "Give up on the webhook after this long")
      ->capture_default_str();
  cmd->add_option("--metrics-file", opts->publish.metrics_file, "Write Prometheus metrics here every cycle");
  cmd->add_option("--parallelism", opts->parallelism, "Self-heal: services changed at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--timeout", opts->timeout, "Self-heal: per service, how long to wait for its tasks")
      ->capture_default_str();
  add_source_flags(*cmd, opts->source);
  add_connection_flags(*cmd, opts->connection);
  cmd->callback([&global, &exit_code, opts] { exit_code = run_agent(global, *opts); });
}

}  // namespace swarmform::cli
