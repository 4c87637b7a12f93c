#pragma once
// One drift check, as `drift` and each agent cycle run it: read the desired
// state, plan against the live swarm, make the report, and publish it
// (stdout, webhook, metrics file).

#include <chrono>
#include <optional>
#include <string>

#include "reconciler/cli/desired_input.h"
#include "reconciler/cli/engine_connection.h"
#include "reconciler/cli/options.h"
#include "reconciler/cli/usage_sampling.h"
#include "reconciler/plan/plan.h"
#include "reconciler/report/drift_report.h"

namespace swarmform::cli {

struct DriftCheck {
  report::DriftReport report;
  std::optional<DesiredInput> input;  ///< present when the desired state loaded
  std::optional<plan::Plan> plan;     ///< present when the check ran to the end
};

/// Reads the desired state from `source` and plans it against the live
/// swarm (desired-state diagnostics printed to stderr).  Never fails: a
/// check that cannot run is a report with Status::error saying why.
DriftCheck check_drift(const GlobalOptions& global, const ConnectionOptions& connection, const SourceOptions& source);

/// Where a report goes besides the log.
struct Publish {
  std::string format = "text";  ///< stdout: text, json, markdown; "" prints nothing
  std::string notify_url;       ///< POST the JSON report here on drift or error
  std::chrono::milliseconds notify_timeout{std::chrono::seconds(10)};
  std::string metrics_file;     ///< Prometheus text, written atomically
  /// --usage: measured use, appended to the metrics file (not to the report).
  const usage::UsageReport* usage = nullptr;
};

/// --usage and --usage-window of drift and the agent.
struct UsageFlags {
  bool enabled = false;
  std::string window = "10s";
};

/// Registers --usage and --usage-window on `cmd`.
void add_usage_flags(CLI::App& cmd, UsageFlags& flags);

/// With --usage: a window measured on every host of the checked desired
/// state (absent when it did not load or --usage is off).  A host not
/// measured is a warning on stderr: the drift check's exit code stays.
std::optional<MeasuredUsage> usage_for_check(const DriftCheck& check, const ConnectionOptions& connection,
                                             std::chrono::milliseconds window, bool no_color);

/// Prints, notifies (when `notify` and a URL is set) and writes metrics as
/// `publish` says.  A failed
/// notification is a warning on stderr (the exit code stays the report's);
/// a metrics file that cannot be written is an error on stderr and makes the
/// result 1, since the job it feeds would silently go stale.  Returns the
/// exit code: the report's, or 1.  `*delivered`, when given, says whether
/// the notification went out (true when none was due).
int publish_report(const report::DriftReport& report, const Publish& publish, bool notify, bool no_color,
                   bool* delivered = nullptr);

/// "in_sync" / "drift: a=changed_outside, b=missing" / "error: ...": equal
/// for reports an on-call reader would call the same news.
std::string report_fingerprint(const report::DriftReport& report);

}  // namespace swarmform::cli
