// `swarmform advise`: right-sized limits and reservations and a placement
// that fits, from what services were measured to use (the usage history, or
// a live window said loudly to be weak), printed like `plan` and with
// --write made as an edit of the desired-state files.  The decisions are
// advise/'s pure functions; this file checks flags, reads, prints, writes.

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>

#include "reconciler/advise/advice.h"
#include "reconciler/advise/advice_edits.h"
#include "reconciler/advise/measured_input.h"
#include "reconciler/advise/what_if.h"
#include "reconciler/cli/commands.h"
#include "reconciler/cli/desired_input.h"
#include "reconciler/cli/desired_writes.h"
#include "reconciler/cli/duration.h"
#include "reconciler/cli/engine_connection.h"
#include "reconciler/cli/printer.h"
#include "reconciler/cli/signal_guard.h"
#include "reconciler/cli/usage_sampling.h"
#include "reconciler/config/suggest.h"
#include "reconciler/engine/live_reader.h"
#include "reconciler/history/usage_db.h"
#include "reconciler/plan/wording.h"
#include "reconciler/render/advise_view.h"
#include "reconciler/render/style.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::cli {
namespace {

struct AdviseCliOptions {
  std::string since = "7d";
  std::string window;  ///< set: a live window instead of the history
  std::string db;
  double target_utilization = 0.8;
  std::vector<std::string> what_if;
  std::vector<std::string> keep;
  bool write = false;
  bool allow_dirty = false;
  std::string format = "text";
  int min_windows = advise::kDefaultMinSamples;
  std::string min_span = "55m";
  SourceOptions source;
  ConnectionOptions connection;
};

/// The live window taken when the history cannot carry the advice: a
/// minute, long enough to see a periodic job's burst more often than not,
/// short enough to wait for at a terminal.
constexpr std::chrono::seconds kFallbackWindow{60};
std::string duration_words(double seconds) {
  const auto s = static_cast<int64_t>(std::llround(seconds));
  if (s >= 86400) return std::to_string(s / 86400) + "d " + std::to_string(s % 86400 / 3600) + "h";
  if (s >= 3600) return std::to_string(s / 3600) + "h " + std::to_string(s % 3600 / 60) + "m";
  if (s >= 60) return std::to_string(s / 60) + "m " + std::to_string(s % 60) + "s";
  return std::to_string(s) + "s";
}

/// The history of this swarm over --since, measured per declared service;
/// or why it cannot carry the advice (then a live window is taken).
struct HistoryRead {
  std::optional<advise::MeasuredInput> input;
  std::string insufficient;  ///< why not, when input is empty and nothing failed
};

Result<HistoryRead> read_history(const AdviseCliOptions& opts, const model::DesiredState& desired,
                                 const model::LiveState& live, const std::string& swarm_id,
                                 std::chrono::milliseconds since, double min_span_seconds) {
  std::string path = opts.db;
  if (path.empty()) {
    SF_TRY_ASSIGN(path, history::default_db_path());
  }
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    // A --db that names nothing is a typo, not a reason to guess from a minute.
    if (!opts.db.empty()) {
      return fail("--db " + opts.db + ": no such file; record usage into it first (`swarmform usage --record --db " +
                  opts.db + "`, or the agent's --record-usage), or leave --db out for the default history");
    }
    return HistoryRead{std::nullopt, "no usage history at " + path};
  }
  SF_TRY_ASSIGN(auto db, open_history(path));
  advise::HistoryAccumulator history(desired, live, db.path());
  SF_TRY(db.each(swarm_id, unix_now() - since.count() / 1000,
                 [&history](const usage::UsageRecord& row) { history.add(row); }));
  advise::MeasuredInput in = history.finish();
  bool enough = false;
  for (const auto& [name, m] : in.services) {
    enough = enough || (m.samples >= opts.min_windows && m.span_seconds >= min_span_seconds);
  }
  if (!enough) {
    return HistoryRead{std::nullopt, path + " holds " + std::to_string(in.basis.windows) +
                                         (in.basis.windows == 1 ? " window over " : " windows over ") +
                                         duration_words(in.basis.span_seconds) + " for this swarm in the last " +
                                         opts.since + " (advice needs " + std::to_string(opts.min_windows) +
                                         " over " + opts.min_span + " for a service)"};
  }
  return HistoryRead{std::move(in), ""};
}

Result<advise::MeasuredInput> live_window(const model::DesiredState& desired, const ConnectionOptions& connection,
                                          const model::LiveState& live, std::chrono::milliseconds window,
                                          bool& incomplete) {
  SignalGuard signals;  // Ctrl-C ends the window early: nothing is advised then
  ConnectionOptions c = connection;
  c.stop = signals.token();
  const MeasuredUsage measured = measure_usage(desired, c, window);
  if (measured.stopped) return fail("interrupted before the end of the window: nothing advised");
  advise::MeasuredInput in = advise::from_window(desired, measured.report, live);
  for (const auto& e : measured.errors) in.notes.push_back(e);
  incomplete = !measured.errors.empty();
  return in;
}

/// Which flags were given on the command line (not their defaults).
struct Given {
  bool since = false;
  bool min_windows = false;
  bool min_span = false;
};

/// Flag values that cannot mean anything; the message, or empty.
std::string misuse(const AdviseCliOptions& opts, const Given& given) {
  if (!opts.window.empty() && (given.since || !opts.db.empty())) {
    return "--window measures now: --since and --db read the recorded history";
  }
  if (!opts.window.empty() && (given.min_windows || given.min_span)) {
    return "--min-windows and --min-span are what the history needs; a live window (--window) is one sample";
  }
  if (opts.write && !opts.what_if.empty()) {
    return "--write edits the desired state for the capacity it declares; --what-if computes for capacity the "
           "hosts do not have: change `capacity:` in the desired state first, then advise --write";
  }
  if (!(opts.target_utilization > 0 && opts.target_utilization <= 1)) {
    return "--target-utilization " + std::to_string(opts.target_utilization) +
           ": a share of each host's CPUs above 0 and at most 1 (0.8 = 80%)";
  }
  if (opts.min_windows < 1) return "--min-windows: at least 1";
  if (opts.write && !opts.source.ref.empty()) {
    return "--write edits the files of -C; --ref reads a commit, which cannot be edited: check it out first";
  }
  if (opts.allow_dirty && !opts.write) return "--allow-dirty goes with --write";
  return "";
}

int write_advice(const Printer& printer, const DesiredInput& in, const std::string& dir,
                 const model::DesiredState& desired, const advise::Advice& advice) {
  if (!advice.placement.fits) {
    return printer.error("nothing written: no placement fits (see above); change the capacity (try --what-if) or "
                         "the services first");
  }
  if (!advice.has_changes()) {
    std::cout << "Nothing to write: the desired state already matches the advice.\n";
    return kExitOk;
  }
  Writes writes;
  const auto edits = advise::advice_edits(desired, advice);
  if (auto made = make_edits(in, dir, edits, writes); !made) {
    return printer.error(made.error().message + "; nothing was written: make that change by hand");
  }
  if (auto written = write_all(writes); !written) return printer.error(written.error().message);
  std::cout << "\nWrote " << edits.size() << " change" << (edits.size() == 1 ? "" : "s") << " to "
            << plan::join(writes.order) << ":\n";
  for (const auto& e : edits) {
    if (!e.what.empty()) std::cout << "  ~ " << printable(e.what) << "\n";
  }
  std::cout << "Next: review with `git diff`, `swarmform validate -C " << dir << "`, `swarmform plan -C " << dir
            << "` for what applying it costs; commit it for review.\n";
  return kExitOk;
}

int run_advise(const GlobalOptions& global, const AdviseCliOptions& opts, const Given& given) {
  const Printer printer(global.no_color);
  if (std::string why = misuse(opts, given); !why.empty()) return printer.error(why);
  auto since = parse_duration(opts.since);
  if (!since) return printer.error("--since: " + since.error().message);
  auto min_span = parse_duration(opts.min_span);
  if (!min_span) return printer.error("--min-span: " + min_span.error().message);
  std::optional<std::chrono::milliseconds> window;
  if (!opts.window.empty()) {
    auto w = parse_duration(opts.window);
    if (!w) return printer.error("--window: " + w.error().message);
    if (*w < kMinWindow || *w > kMaxWindow) {
      return printer.error("--window " + opts.window + ": a window is 1s to 1h (the history is for longer)");
    }
    window = *w;
  }

  DesiredInput in = read_desired(global.dir, opts.source, CheckBudgets::no);
  print_diagnostics(in.loaded.diagnostics, global.no_color);
  if (!in.loaded.state) return kExitError;
  const model::DesiredState& desired = *in.loaded.state;
  if (opts.write && !in.uncommitted.empty() && !opts.allow_dirty) {
    return printer.error("the desired state has uncommitted changes (" + plan::join(in.uncommitted) +
                         "): commit or stash them first, so the advice is a change of its own, or pass --allow-dirty");
  }
  std::vector<std::string> names;
  for (const auto& [name, s] : desired.services) names.push_back(name);
  for (const auto& k : opts.keep) {
    if (!desired.services.contains(k)) {
      return printer.error("--keep " + k + " names no declared service" + config::did_you_mean(k, names));
    }
  }
  model::DesiredState computed = desired;  // --what-if changes capacities for the computation only
  std::vector<std::string> what_if;
  for (const auto& spec : opts.what_if) {
    auto applied = advise::apply_what_if(computed, spec);
    if (!applied) return printer.error(applied.error().message);
    what_if.push_back(*applied);
  }

  auto client = connect_to_manager(desired, opts.connection);
  if (!client) return printer.error(client.error().message);
  auto live = engine::read_live_state(*client);
  if (!live) return printer.error(live.error().message);

  advise::AdviseOptions options;
  options.target_utilization = opts.target_utilization;
  options.keep = opts.keep;
  options.sizing.min_samples = opts.min_windows;
  options.sizing.min_span_seconds = std::max(1.0, static_cast<double>(min_span->count()) / 1000.0);

  std::optional<advise::MeasuredInput> input;
  std::string fallback;
  if (!window) {
    auto swarm_id = engine::read_swarm_id(*client);
    if (!swarm_id) return printer.error(swarm_id.error().message);
    auto history = read_history(opts, desired, *live, *swarm_id, *since, options.sizing.min_span_seconds);
    if (!history) return printer.error(history.error().message);
    input = std::move(history->input);
    fallback = history->insufficient;
  }
  if (!input && opts.write && !window) {
    // One minute is no basis for an edit nobody asked to rest on it.
    return printer.error("nothing written: " + fallback +
                         "; advice to write rests on the history (record it with `swarmform usage --record` from "
                         "cron, or the agent's --record-usage), or measure a live window on purpose with --window");
  }
  bool incomplete = false;  // a host of the live window was not measured
  if (!input) {
    const std::chrono::milliseconds w = window.value_or(kFallbackWindow);
    if (!fallback.empty()) {
      printer.note(fallback + ": measuring a live window of " + duration_words(w.count() / 1000.0) +
                   " instead — a weak basis; record a week with `swarmform usage --record` or the agent's "
                   "--record-usage");
    }
    auto measured = live_window(desired, opts.connection, *live, w, incomplete);
    if (!measured) return printer.error(measured.error().message);
    input = std::move(*measured);
    input->basis.fallback_reason = fallback;
    // One window is one sample: the history's minimums cannot apply.
    options.sizing.min_samples = 1;
    options.sizing.min_span_seconds = std::min(1.0, input->basis.span_seconds);
  }

  advise::Advice advice = advise::advise(computed, *input, options);
  advice.what_if = what_if;
  const render::Style out = render::style_for(STDOUT_FILENO, global.no_color);
  if (opts.format == "json") {
    std::cout << render::advise_json(advice).dump(2) << "\n";
  } else if (opts.format == "markdown") {
    std::cout << render::advise_markdown(advice);
  } else {
    std::cout << render::advise_text(advice, out);
  }
  std::cout << std::flush;
  if (!opts.write) return kExitOk;
  if (incomplete) {
    // A host not measured looks empty: advice could move services onto it.
    return printer.error("nothing written: not every host was measured (see the notes above); advise --write again "
                         "when every host answers");
  }
  return write_advice(printer, in, global.dir, desired, advice);
}

}  // namespace

void add_advise_command(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<AdviseCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "advise",
      "Right-size limits and reservations from measured use (the usage history, else a live window) and place "
      "services so every host fits its budgets and a target CPU utilisation with the fewest moves; --write edits "
      "the YAML in place");
  auto* since = cmd->add_option("--since", opts->since, "Read this much of the usage history")->capture_default_str();
  cmd->add_option("--window", opts->window,
                  "Measure a live window now instead of reading the history (1s to 1h: a weak basis)");
  cmd->add_option("--db", opts->db, "The usage history (default: $XDG_STATE_HOME/swarmform/usage.db)");
  cmd->add_option("--target-utilization", opts->target_utilization,
                  "Each host's measured p95 CPU may use at most this share of its CPUs")
      ->capture_default_str();
  cmd->add_option("--what-if", opts->what_if,
                  "HOST.cpus=N or HOST.memory=SIZE: compute as if the host had this capacity (repeatable)");
  cmd->add_option("--keep", opts->keep, "Never move this declared service (repeatable)");
  auto* min_windows = cmd->add_option("--min-windows", opts->min_windows,
                                      "Recorded windows a service needs before its values change")
                          ->capture_default_str();
  auto* min_span = cmd->add_option("--min-span", opts->min_span,
                                   "Recorded time (first window to last) a service needs")
                       ->capture_default_str();
  cmd->add_flag("--write", opts->write,
                "Edit the desired-state files in place: only the changed values and host: lines change");
  cmd->add_flag("--allow-dirty", opts->allow_dirty, "With --write: edit files that have uncommitted changes");
  cmd->add_option("--format", opts->format, "Output format")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  add_source_flags(*cmd, opts->source, /*with_repo=*/false);
  add_connection_flags(*cmd, opts->connection);
  cmd->callback([&global, &exit_code, opts, since, min_windows, min_span] {
    exit_code = run_advise(global, *opts, Given{since->count() > 0, min_windows->count() > 0, min_span->count() > 0});
  });
}

}  // namespace swarmform::cli
