#pragma once
// Days of recorded windows -> per service p50/p95/max: a pure function
// (history/ reads the rows, this summarises them).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace swarmform::usage {

/// One recorded window of one service on one host (a row of history/).
struct UsageRecord {
  int64_t at_unix = 0;           ///< end of the window, seconds since the epoch
  double window_seconds = 0;
  std::string service;
  std::string host;
  int tasks = 0;
  double cpu_used = 0;           ///< cores
  std::optional<int64_t> cpu_limit_nano;
  double throttled_ratio = 0;
  double throttled_cpus = 0;
  uint64_t memory_used_bytes = 0;
  std::optional<int64_t> memory_limit_bytes;
  std::optional<uint64_t> oom_kills;
};

struct Percentiles {
  double p50 = 0;
  double p95 = 0;
  double max = 0;
};

/// One service on one host over the recorded period.
struct ServiceHistory {
  std::string service;
  std::string host;
  int samples = 0;               ///< windows recorded
  int64_t first_at_unix = 0;
  int64_t last_at_unix = 0;
  Percentiles cpu;               ///< cores
  Percentiles memory_bytes;
  /// Share of recorded time throttled: Σ(throttled_ratio x window) / Σ window.
  double throttled_share = 0;
  /// The demand the limit cut off (cores, all tasks), time-weighted like
  /// throttled_share: Σ(throttled_cpus x window) / Σ window.  advise adds it
  /// to a starved service's p95.
  double throttled_cpus = 0;
  std::optional<int64_t> cpu_limit_nano;       ///< as in the latest window
  std::optional<int64_t> memory_limit_bytes;   ///< as in the latest window
  std::optional<uint64_t> oom_kills;           ///< the largest count seen
  int tasks = 0;                               ///< as in the latest window
};

/// The value at quantile q (0..1) of `values`, by linear interpolation
/// between closest ranks (NumPy's default); 0 for an empty vector.
double quantile(std::vector<double> values, double q);
/// The same of values already sorted ascending (no copy, no sort): for
/// several quantiles of one long series.
double quantile_of_sorted(const std::vector<double>& sorted, double q);

/// Rows grouped by (service, host), sorted by host then p95 CPU descending,
/// then service.
std::vector<ServiceHistory> summarize(const std::vector<UsageRecord>& records);

}  // namespace swarmform::usage
