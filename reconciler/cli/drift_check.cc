#include "reconciler/cli/drift_check.h"

#include <unistd.h>

#include <ctime>
#include <iostream>

#include "reconciler/cli/plan_output.h"
#include "reconciler/render/drift_text.h"
#include "reconciler/render/style.h"
#include "reconciler/report/metrics.h"
#include "reconciler/report/usage_metrics.h"
#include "reconciler/report/webhook.h"
#include "reconciler/util/file.h"

namespace swarmform::cli {
namespace {

/// "the desired state does not load: 2 errors; first: FILE:LINE:COL: ..."
std::string load_failure(const model::Diagnostics& diags) {
  std::string first;
  for (const auto& d : diags.items()) {
    if (d.severity == model::Severity::error) {
      first = model::format_diagnostic(d);
      break;
    }
  }
  size_t n = diags.count(model::Severity::error);
  if (n == 1) return "the desired state does not load: " + first;
  return "the desired state does not load: " + std::to_string(n) + " errors; first: " + first;
}

}  // namespace

DriftCheck check_drift(const GlobalOptions& global, const ConnectionOptions& connection, const SourceOptions& source) {
  DriftCheck check;
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  const std::string now_text = utc_now_rfc3339();
  DesiredInput in = read_desired(global.dir, with_connection(source, connection), CheckBudgets::no);
  print_diagnostics(in.loaded.diagnostics, global.no_color);
  if (!in.loaded.state) {
    check.report = report::failed_drift_report(load_failure(in.loaded.diagnostics), now, now_text);
    check.report.commit = in.commit;
    check.report.ref = in.ref;
    return check;
  }
  PlanInputs inputs;
  inputs.source = source;
  auto plan = plan_for(in, global, connection, inputs);
  check.input = std::move(in);
  if (!plan) {
    check.report = report::failed_drift_report(plan.error().message, now, now_text);
    check.report.commit = check.input->commit;
    check.report.ref = check.input->ref;
    return check;
  }
  check.report = report::drift_report(*plan, now, now_text);
  check.plan = std::move(*plan);
  return check;
}

std::string report_fingerprint(const report::DriftReport& r) {
  std::string f(report::status_name(r.status));
  if (r.status == report::Status::error) f += ": " + r.error;
  for (const auto& s : r.services) f += " " + s.name + "=" + std::string(report::cause_name(s.cause));
  return f;
}

int publish_report(const report::DriftReport& r, const Publish& publish, bool notify, bool no_color,
                   bool* delivered) {
  if (delivered != nullptr) *delivered = true;
  render::Style err = render::style_for(STDERR_FILENO, no_color);
  // --metrics-file -: the metrics are what stdout carries; the report goes to stderr.
  const bool report_to_stderr = publish.metrics_file == "-";
  std::ostream& out = report_to_stderr ? std::cerr : std::cout;
  if (publish.format == "json") {
    out << report::encode_drift_report(r).dump(2) << "\n";
  } else if (publish.format == "markdown") {
    out << render::drift_markdown(r);
  } else if (publish.format == "text") {
    out << render::drift_text(r, render::style_for(report_to_stderr ? STDERR_FILENO : STDOUT_FILENO, no_color));
  }
  out << std::flush;
  int rc = r.exit_code();
  if (notify && !publish.notify_url.empty()) {
    auto sent = report::post_json(publish.notify_url, report::encode_drift_report(r).dump(), publish.notify_timeout);
    if (!sent) {
      if (delivered != nullptr) *delivered = false;
      std::cerr << err.yellow("swarmform: warning: the drift report was not delivered: " + sent.error().message)
                << "\n";
    }
  }
  if (!publish.metrics_file.empty()) {
    std::string text = report::drift_metrics_text(r);
    if (publish.usage != nullptr) text += report::usage_metrics_text(*publish.usage);
    auto written = report::write_metrics_text(publish.metrics_file, text);
    if (!written) {
      std::cerr << err.red("swarmform: error: metrics: " + written.error().message) << "\n";
      rc = kExitError;
    }
  }
  return rc;
}

void add_usage_flags(CLI::App& cmd, UsageFlags& flags) {
  cmd.add_flag("--usage", flags.enabled,
               "Also measure what each service uses (as `swarmform usage`) and add it to --metrics-file");
  cmd.add_option("--usage-window", flags.window, "With --usage: how long to measure")->capture_default_str();
}

std::optional<MeasuredUsage> usage_for_check(const DriftCheck& check, const ConnectionOptions& connection,
                                             std::chrono::milliseconds window, bool no_color) {
  if (!check.input || !check.input->loaded.state) return std::nullopt;
  MeasuredUsage measured = measure_usage(*check.input->loaded.state, connection, window);
  render::Style err = render::style_for(STDERR_FILENO, no_color);
  for (const auto& e : measured.errors) std::cerr << err.yellow("swarmform: warning: usage: " + e) << "\n";
  if (measured.stopped) return std::nullopt;
  return measured;
}

}  // namespace swarmform::cli
