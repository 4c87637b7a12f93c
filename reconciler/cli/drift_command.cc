#include <iostream>
#include <memory>

#include "reconciler/cli/commands.h"
#include "reconciler/cli/drift_check.h"
#include "reconciler/cli/duration.h"

namespace swarmform::cli {
namespace {

struct DriftCommandOptions {
  Publish publish;
  std::string notify_timeout = "10s";
  ConnectionOptions connection;
  SourceOptions source;
  UsageFlags usage;
};

int run_drift(const GlobalOptions& global, DriftCommandOptions& opts) {
  auto timeout = parse_duration(opts.notify_timeout);
  if (!timeout) {
    std::cerr << "swarmform: error: --notify-timeout: " << timeout.error().message << "\n";
    return kExitError;
  }
  opts.publish.notify_timeout = *timeout;
  auto window = parse_duration(opts.usage.window);
  if (!window) {
    std::cerr << "swarmform: error: --usage-window: " << window.error().message << "\n";
    return kExitError;
  }
  DriftCheck check = check_drift(global, opts.connection, opts.source);
  std::optional<MeasuredUsage> measured;
  if (opts.usage.enabled) measured = usage_for_check(check, opts.connection, *window, global.no_color);
  Publish publish = opts.publish;
  if (measured) publish.usage = &measured->report;
  const bool notify = check.report.status != report::Status::in_sync;
  return publish_report(check.report, publish, notify, global.no_color);
}

}  // namespace

void add_drift_command(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<DriftCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "drift",
      "Check whether the live swarm still matches the desired state, for cron (exit 0 in sync, 2 drift, 1 error)");
  cmd->add_option("--format", opts->publish.format, "Output format")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  cmd->add_option("--notify", opts->publish.notify_url,
                  "POST the JSON report to this webhook URL when there is drift or an error (a failed POST is a "
                  "warning; the exit code stays); also SWARMFORM_NOTIFY_URL, which keeps a secret URL out of ps")
      ->envname("SWARMFORM_NOTIFY_URL");
  cmd->add_option("--notify-timeout", opts->notify_timeout, "Give up on the webhook after this long")
      ->capture_default_str();
  cmd->add_option("--metrics-file", opts->publish.metrics_file,
                  "Write Prometheus metrics here (mode 0644, replaced atomically, for node_exporter's textfile "
                  "collector; a device or FIFO is written straight; - is stdout, the report then goes to stderr)");
  add_usage_flags(*cmd, opts->usage);
  add_source_flags(*cmd, opts->source);
  add_connection_flags(*cmd, opts->connection);
  cmd->callback([&global, &exit_code, opts] { exit_code = run_drift(global, *opts); });
}

}  // namespace swarmform::cli
