#include "reconciler/usage/history_summary.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <string_view>
#include <tuple>
#include <utility>

namespace swarmform::usage {
namespace {

/// The quantiles a summary reports.
constexpr double kMedian = 0.50;
constexpr double kHighQuantile = 0.95;

Percentiles percentiles(std::vector<double> values) {
  Percentiles p;
  p.p50 = quantile(values, kMedian);
  p.p95 = quantile(values, kHighQuantile);
  p.max = values.empty() ? 0 : *std::max_element(values.begin(), values.end());
  return p;
}

/// Whether `r` is later than the record the limits were taken from; a tie
/// goes to the later row (history/ returns them in the order recorded).
bool is_latest(const UsageRecord& r, const ServiceHistory& h) {
  return r.at_unix >= h.last_at_unix;
}

/// One (service, host): its records folded in, the values kept for the
/// percentiles.
struct Group {
  ServiceHistory summary;
  std::vector<double> cpu;
  std::vector<double> memory;
  double throttled_time = 0;  ///< Σ throttled_ratio x window
  double cut_off_time = 0;    ///< Σ throttled_cpus x window (core-seconds)
  double recorded_time = 0;   ///< Σ window

  void add(const UsageRecord& r) {
    ServiceHistory& h = summary;
    if (h.samples == 0) h.first_at_unix = h.last_at_unix = r.at_unix;
    if (is_latest(r, h)) {
      h.last_at_unix = r.at_unix;
      h.cpu_limit_nano = r.cpu_limit_nano;
      h.memory_limit_bytes = r.memory_limit_bytes;
      h.tasks = r.tasks;
    }
    h.first_at_unix = std::min(h.first_at_unix, r.at_unix);
    ++h.samples;
    if (r.oom_kills) h.oom_kills = std::max(h.oom_kills.value_or(0), *r.oom_kills);
    cpu.push_back(r.cpu_used);
    memory.push_back(static_cast<double>(r.memory_used_bytes));
    throttled_time += r.throttled_ratio * r.window_seconds;
    cut_off_time += r.throttled_cpus * r.window_seconds;
    recorded_time += r.window_seconds;
  }

  ServiceHistory finish() && {
    summary.cpu = percentiles(std::move(cpu));
    summary.memory_bytes = percentiles(std::move(memory));
    summary.throttled_share = recorded_time > 0 ? throttled_time / recorded_time : 0;
    summary.throttled_cpus = recorded_time > 0 ? cut_off_time / recorded_time : 0;
    return std::move(summary);
  }
};

}  // namespace

double quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return quantile_of_sorted(values, q);
}

double quantile_of_sorted(const std::vector<double>& values, double q) {
  if (values.empty()) return 0;
  // NumPy's "linear" method: the rank (n - 1) x q, between its two closest
  // ranks.  q outside 0..1 (or NaN) is held to the nearest end.
  const double rank = (values.size() - 1) * std::clamp(std::isnan(q) ? 0.0 : q, 0.0, 1.0);
  const auto below = static_cast<size_t>(std::floor(rank));
  const size_t above = std::min(below + 1, values.size() - 1);
  const double fraction = rank - static_cast<double>(below);
  return values[below] + (values[above] - values[below]) * fraction;
}

std::vector<ServiceHistory> summarize(const std::vector<UsageRecord>& records) {
  std::map<std::pair<std::string_view, std::string_view>, Group> groups;
  for (const auto& r : records) {
    Group& g = groups[{r.service, r.host}];
    if (g.summary.samples == 0) {
      g.summary.service = r.service;
      g.summary.host = r.host;
    }
    g.add(r);
  }
  std::vector<ServiceHistory> out;
  out.reserve(groups.size());
  for (auto& [key, group] : groups) out.push_back(std::move(group).finish());
  std::sort(out.begin(), out.end(), [](const ServiceHistory& a, const ServiceHistory& b) {
    return std::tie(a.host, b.cpu.p95, a.service) < std::tie(b.host, a.cpu.p95, b.service);
  });
  return out;
}

}  // namespace swarmform::usage
