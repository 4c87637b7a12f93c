// `swarmform usage`: what each service really uses — CPU, throttling,
// memory — per host, over a live window read from every host at once, or
// over days from the usage history (--since).  Sampling is usage_sampling.h,
// the arithmetic usage/, the views render/, the database history/; this
// file checks flags, chooses and prints.

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>

#include "reconciler/cli/commands.h"
#include "reconciler/cli/desired_input.h"
#include "reconciler/cli/duration.h"
#include "reconciler/cli/engine_connection.h"
#include "reconciler/cli/printer.h"
#include "reconciler/cli/signal_guard.h"
#include "reconciler/cli/usage_sampling.h"
#include "reconciler/engine/live_reader.h"
#include "reconciler/history/usage_db.h"
#include "reconciler/render/style.h"
#include "reconciler/render/usage_view.h"
#include "reconciler/report/usage_metrics.h"
#include "reconciler/usage/history_summary.h"
#include "reconciler/usage/measure.h"
#include "reconciler/util/glob.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::cli {
namespace {

struct UsageOptions {
  std::string window = "10s";
  std::string format = "text";
  std::vector<std::string> targets;
  std::string metrics_file;
  bool record = false;
  std::string since;
  std::string db;
  std::string retain = "30d";
  ConnectionOptions connection;
};

int run_live(const GlobalOptions& global, const UsageOptions& opts, const model::DesiredState& desired,
             std::chrono::milliseconds window, std::chrono::milliseconds retain) {
  const Printer printer(global.no_color);
  SignalGuard signals;  // Ctrl-C ends the window early and says so
  ConnectionOptions connection = opts.connection;
  connection.stop = signals.token();
  const MeasuredUsage measured = measure_usage(desired, connection, window, opts.targets);
  if (measured.stopped) {
    printer.error("interrupted before the end of the window: nothing measured");
    return kExitError;
  }
  const render::Style out = render::style_for(STDOUT_FILENO, global.no_color);
  if (opts.format == "json") {
    std::cout << render::usage_json(measured.report).dump(2) << "\n";
  } else {
    std::cout << render::usage_text(measured.report, out, render::unicode_output());
  }
  std::cout << std::flush;
  int rc = kExitOk;
  for (const auto& e : measured.errors) {
    printer.error(e);
    rc = kExitError;
  }
  if (!opts.metrics_file.empty()) {
    auto written = report::write_metrics_text(opts.metrics_file, report::usage_metrics_text(measured.report));
    if (!written) {
      printer.error("metrics: " + written.error().message);
      rc = kExitError;
    }
  }
  if (opts.record) {
    auto recorded = record_usage(HistoryOptions{opts.db, retain}, measured);
    if (recorded) {
      std::cerr << *recorded << "\n";
    } else {
      printer.error(recorded.error().message);
      rc = kExitError;
    }
  }
  return rc;
}

int run_since(const GlobalOptions& global, const UsageOptions& opts, const model::DesiredState& desired,
              std::chrono::milliseconds since) {
  const Printer printer(global.no_color);
  // History is keyed by swarm: ask the manager which one this desired state is.
  auto client = connect_to_manager(desired, opts.connection);
  if (!client) {
    printer.error(client.error().message);
    return kExitError;
  }
  auto swarm_id = engine::read_swarm_id(*client);
  if (!swarm_id) {
    printer.error(swarm_id.error().message);
    return kExitError;
  }
  auto db = open_history(opts.db);
  if (!db) {
    printer.error(db.error().message);
    return kExitError;
  }
  const int64_t since_seconds = since.count() / 1000;
  auto rows = db->read(*swarm_id, unix_now() - since_seconds);
  if (!rows) {
    printer.error(rows.error().message);
    return kExitError;
  }
  std::vector<usage::UsageRecord> kept;
  for (auto& r : *rows) {
    bool wanted = opts.targets.empty();
    for (const auto& t : opts.targets) wanted = wanted || glob_matches(t, r.service);
    if (wanted) kept.push_back(std::move(r));
  }
  if (kept.empty()) {
    printer.note("no usage of this swarm recorded in the last " + opts.since + " in " + db->path() +
                 ": record windows with `swarmform usage --record` (a cron job) or the agent's --record-usage");
  }
  const auto history = usage::summarize(kept);
  const render::Style out = render::style_for(STDOUT_FILENO, global.no_color);
  if (opts.format == "json") {
    std::cout << render::history_json(history, since_seconds).dump(2) << "\n";
  } else {
    std::cout << render::history_text(history, since_seconds, out);
  }
  return kExitOk;
}

/// Flag combinations that cannot mean anything; the message, or empty.
std::string misuse(const UsageOptions& opts, bool window_given) {
  if (!opts.since.empty() && (opts.record || window_given || !opts.metrics_file.empty())) {
    return "--since reads the recorded history: --window, --record and --metrics-file go with a live window";
  }
  if (!opts.record && opts.since.empty() && !opts.db.empty()) return "--db goes with --record or --since";
  return "";
}

int run_usage(const GlobalOptions& global, const UsageOptions& opts, bool window_given) {
  const Printer printer(global.no_color);
  if (std::string why = misuse(opts, window_given); !why.empty()) {
    printer.error(why);
    return kExitError;
  }
  for (const auto& t : opts.targets) {
    std::string why;
    if (!valid_glob(t, &why)) {
      printer.error("--target " + t + ": " + why);
      return kExitError;
    }
  }
  auto retain = parse_duration(opts.retain);
  if (!retain) {
    printer.error("--retain: " + retain.error().message);
    return kExitError;
  }
  // Every flag is checked before anything is read or dialled.
  const bool from_history = !opts.since.empty();
  auto span = parse_duration(from_history ? opts.since : opts.window);
  if (!span) {
    printer.error((from_history ? "--since: " : "--window: ") + span.error().message);
    return kExitError;
  }
  if (!from_history && (*span < kMinWindow || *span > kMaxWindow)) {
    printer.error("--window " + opts.window + ": a window is 1s to 1h (use --since for days of history)");
    return kExitError;
  }
  DesiredInput in = read_desired(global.dir, CheckBudgets::no);
  print_diagnostics(in.loaded.diagnostics, global.no_color);
  if (!in.loaded.state) return kExitError;
  if (from_history) return run_since(global, opts, *in.loaded.state, *span);
  return run_live(global, opts, *in.loaded.state, *span, *retain);
}

}  // namespace

void add_usage_command(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<UsageOptions>();
  CLI::App* cmd = app.add_subcommand(
      "usage",
      "What each service really uses — CPU, throttling, memory — per host: two readings of every task "
      "container a window apart, on every host at once; with --since, percentiles over the recorded history");
  auto* window = cmd->add_option("--window", opts->window, "How long to measure (1s to 1h)")->capture_default_str();
  cmd->add_option("--format", opts->format, "Output format")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--target", opts->targets, "Only services whose swarm name matches this glob (repeatable)");
  cmd->add_option("--metrics-file", opts->metrics_file,
                  "Write Prometheus metrics here (mode 0644, replaced atomically, for node_exporter's textfile "
                  "collector)");
  cmd->add_flag("--record", opts->record, "Append the window to the usage history (--db)");
  cmd->add_option("--since", opts->since,
                  "Read the history instead of measuring: p50/p95/max over this long (e.g. 7d)");
  cmd->add_option("--db", opts->db, "The usage history (default: $XDG_STATE_HOME/swarmform/usage.db)");
  cmd->add_option("--retain", opts->retain, "With --record: remove rows older than this")->capture_default_str();
  add_connection_flags(*cmd, opts->connection);
  cmd->callback([&global, &exit_code, opts, window] {
    exit_code = run_usage(global, *opts, window->count() > 0);
  });
}

}  // namespace swarmform::cli
