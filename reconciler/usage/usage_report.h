#pragma once
// What each service and host really uses over a window (measure.h) or over
// days of recorded windows (history_summary.h): plain values that render/,
// report/ and history/ read.  Measured figures are doubles (cores, ratios);
// declared ones keep their exact units (nano-CPUs, bytes).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace swarmform::usage {

/// Flags, in the order they print.
inline constexpr double kStarvedThrottledRatio = 0.25;  ///< throttled >= 25% of periods: demand exceeds the limit
inline constexpr double kIdleShareOfLimit = 0.05;       ///< used <= 5% of its CPU limit all window: over-provisioned

/// One service on one host over the window.
struct ServiceUsage {
  std::string name;
  std::string host;  ///< the desired state's host name the containers ran on
  int tasks = 0;           ///< containers measured at both ends of the window
  int partial_tasks = 0;   ///< started or stopped inside the window: not measured
  double cpu_used = 0;     ///< cores, summed over the measured tasks
  /// Per-task CPU limit x measured tasks; absent when the service has no
  /// limit, and when no task was measured (nothing to hold it against).
  std::optional<int64_t> cpu_limit_nano;
  double throttled_ratio = 0;  ///< Δthrottled_periods / Δperiods, 0 with no periods
  /// Δthrottled_time / Δwall: an estimate (cores) of the demand the limit cut off.
  double throttled_cpus = 0;
  /// Summed over the measured tasks, page cache excluded; a task whose engine
  /// gave no memory figure adds nothing (the sum is then a floor).
  uint64_t memory_used_bytes = 0;
  /// Per-task memory limit x measured tasks; absent as cpu_limit_nano is.
  std::optional<int64_t> memory_limit_bytes;
  /// Summed over the measured tasks that report them (their second reading:
  /// kills since the container started); absent when none does.
  std::optional<uint64_t> oom_kills;
  /// No CPU limit on the live service, or the manager does not list the
  /// service at all (no limit anyone could read).
  bool no_limit = false;
  bool starved = false;   ///< throttled_ratio >= kStarvedThrottledRatio
  bool idle = false;      ///< has a limit and cpu_used <= kIdleShareOfLimit of it
};

/// One host over the window.
struct HostUsage {
  std::string name;
  int64_t capacity_nano = 0;  ///< from the desired state
  int64_t memory_capacity_bytes = 0;
  /// Set when the host did not answer at all (SSH or engine): nothing below
  /// was measured there.
  std::optional<std::string> error;
  /// The host's own figures (/proc); absent with `host_figures_unavailable`
  /// saying why (exec refused by a restricted key, unreadable output, ...:
  /// the first reading's error, else the second's).  load1 and cpus_seen
  /// are set when both readings parsed even if busy_cpus could not be
  /// computed (counters that did not advance).
  std::optional<double> load1;
  std::optional<double> busy_cpus;  ///< Δbusy / Δtotal x cpus
  int cpus_seen = 0;                ///< CPUs the kernel reports (0 when unavailable)
  std::string host_figures_unavailable;
  /// The sum of its services' cpu_used: every service, --target or not, so
  /// the host's picture stays true when the rows are filtered.
  double swarm_cpus = 0;
  std::optional<double> other_cpus;  ///< busy_cpus - swarm_cpus, never below 0
};

struct UsageReport {
  double window_seconds = 0;
  std::vector<HostUsage> hosts;        ///< in the desired state's order
  std::vector<ServiceUsage> services;  ///< by host (hosts' order), then cpu_used descending, then name
};

/// "no limit", "starved", "idle" as they apply, in that order.
std::vector<std::string> flag_names(const ServiceUsage& s);

}  // namespace swarmform::usage
