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
  UsageFlags usage;
  bool record_usage = false;
  std::string db;
  std::string retain = "30d";
};

/// What the flags resolve to for every cycle.
struct CycleSettings {
  ApplySettings apply;
  std::chrono::milliseconds usage_window{0};  ///< 0: no usage window
  HistoryOptions history;
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
bool run_cycle(const GlobalOptions& global, const AgentOptions& opts, const CycleSettings& cycle,
               const SignalGuard& signals, std::string& last_fingerprint) {
  const ApplySettings& settings = cycle.apply;
  DriftCheck check = check_drift(global, opts.connection, opts.source);
  std::optional<MeasuredUsage> measured;
  if (cycle.usage_window.count() > 0) {
    ConnectionOptions connection = opts.connection;
    connection.stop = signals.token();  // SIGTERM ends the window at once
    measured = usage_for_check(check, connection, cycle.usage_window, global.no_color);
  }
  bool usage_failed = false;
  if (measured && opts.record_usage) {
    auto recorded = record_usage(cycle.history, *measured);
    if (recorded) {
      log_line("usage: " + *recorded);
    } else {
      // Never stops the cycle (drift and self-heal go on), but counts as a failure.
      log_line("usage not recorded: " + recorded.error().message);
      usage_failed = true;
    }
  }
  const report::DriftReport& r = check.report;
  std::string fingerprint = report_fingerprint(r);
  const bool news = fingerprint != last_fingerprint;
  // The whole report when the news changes, one line otherwise: the log
  // reads as a history, not as the same report every five minutes.  The
  // webhook hears news only, and not "in sync" at start-up (nothing to say).
  Publish publish = opts.publish;
  publish.format = "";
  if (measured && opts.usage.enabled) publish.usage = &measured->report;
  if (news) std::cout << render::drift_text(r, render::Style{});
  else log_line(std::string(report::status_name(r.status)) + " (unchanged)");
  const bool notify = news && !(last_fingerprint.empty() && r.status == report::Status::in_sync);
  bool delivered = true;
  int rc = publish_report(r, publish, notify, global.no_color, &delivered);
  // A notification that did not go out is tried again next cycle.
  if (delivered) last_fingerprint = fingerprint;
  bool failed = rc == kExitError || usage_failed;
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
  CycleSettings cycle{ApplySettings{opts.parallelism, *timeout, true}, {}, {}};
  if (opts.usage.enabled || opts.record_usage) {
    auto window = parse_duration(opts.usage.window);
    if (!window) return fail_with("--usage-window: " + window.error().message);
    if (*window >= *interval) return fail_with("--usage-window: shorter than --interval");
    cycle.usage_window = *window;
  }
  auto retain = parse_duration(opts.retain);
  if (!retain) return fail_with("--retain: " + retain.error().message);
  cycle.history = HistoryOptions{opts.db, *retain};

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
    bool failed = run_cycle(global, opts, cycle, signals, last_fingerprint);
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
  add_usage_flags(*cmd, opts->usage);
  cmd->add_flag("--record-usage", opts->record_usage,
                "Measure a usage window every cycle and append it to the usage history (--db)");
  cmd->add_option("--db", opts->db, "With --record-usage: the usage history (default: $XDG_STATE_HOME/swarmform/usage.db)");
  cmd->add_option("--retain", opts->retain, "With --record-usage: remove rows older than this")->capture_default_str();
  add_source_flags(*cmd, opts->source);
  add_connection_flags(*cmd, opts->connection);
  cmd->callback([&global, &exit_code, opts] { exit_code = run_agent(global, *opts); });
}

}  // namespace swarmform::cli
