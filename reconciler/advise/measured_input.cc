#include "reconciler/advise/measured_input.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "reconciler/model/capacity.h"
#include "reconciler/model/local_volume.h"
#include "reconciler/util/glob.h"

namespace swarmform::advise {
namespace {

/// Where a live service's measurements go: a declared service that is
/// sized and placed, or a fixed load with the reason it does not move.
constexpr const char* kSeveral = "matched by several declared services";

struct Owner {
  std::string key;  ///< the declared service; empty: a fixed load
  std::string why;  ///< for a fixed load
};

Owner owner_of(const model::DesiredState& desired, const std::string& live_name) {
  std::vector<std::string> keys;
  for (const auto& [key, s] : desired.services) {
    if (glob_matches(s.match, live_name)) keys.push_back(key);
  }
  if (keys.empty()) return {"", "not declared"};
  if (keys.size() > 1) return {"", kSeveral};
  const model::Service& s = desired.services.at(keys.front());
  if (s.host.empty() && !model::runs_on_every_node(s)) return {keys.front(), "not pinned to a host"};
  return {keys.front(), ""};
}

/// Declared services whose live service mounts a volume of the local
/// driver (model::mounts_local_volume, the rule of plan's check_data_move).
std::set<std::string> local_data_of(const model::DesiredState& desired, const model::LiveState& live) {
  std::set<std::string> keys;
  for (const auto& l : live.services) {
    if (!model::mounts_local_volume(l)) continue;
    for (const auto& [key, s] : desired.services) {
      if (glob_matches(s.match, l.name)) keys.insert(key);
    }
  }
  return keys;
}

/// One window of one declared service, summed over its hosts.
struct WindowSum {
  double window_seconds = 0;
  int tasks = 0;
  double cpu = 0;
  double throttled_cpus = 0;
  double throttled_ratio_x_tasks = 0;
  uint64_t memory = 0;
  /// The largest task's figures: each row's total over its tasks (a row is
  /// one service on one host, so tasks on one host share an average).  A
  /// limit applies to every task: it must hold the largest, not the mean.
  double cpu_task_max = 0;
  double memory_task_max = 0;
  std::optional<uint64_t> oom_kills;
};

void add_to(WindowSum& w, const usage::UsageRecord& r) {
  w.window_seconds = std::max(w.window_seconds, r.window_seconds);
  w.tasks += r.tasks;
  w.cpu += r.cpu_used;
  w.throttled_cpus += r.throttled_cpus;
  w.throttled_ratio_x_tasks += r.throttled_ratio * r.tasks;
  w.memory += r.memory_used_bytes;
  if (r.tasks > 0) {
    w.cpu_task_max = std::max(w.cpu_task_max, r.cpu_used / r.tasks);
    w.memory_task_max = std::max(w.memory_task_max, static_cast<double>(r.memory_used_bytes) / r.tasks);
  }
  if (r.oom_kills) w.oom_kills = w.oom_kills.value_or(0) + *r.oom_kills;
}

void sort_fixed(std::vector<FixedLoad>& fixed) {
  std::sort(fixed.begin(), fixed.end(), [](const FixedLoad& a, const FixedLoad& b) {
    return std::tie(a.host, a.service) < std::tie(b.host, b.service);
  });
}

}  // namespace

/// One series of per-window figures: a declared service (per task, over
/// all its hosts) or a fixed load (one live service on one host, totals).
struct Series {
  int64_t current_at = std::numeric_limits<int64_t>::min();
  WindowSum current;
  std::vector<float> cpu;
  std::vector<float> memory;
  double window_total = 0;          ///< Σ window seconds
  double throttled_share_x_s = 0;   ///< Σ throttled ratio x window
  double throttled_cpus_x_s = 0;    ///< Σ cut-off cores per task x window
  int64_t first_at = 0;
  int64_t last_at = 0;
  int tasks_latest = 0;
  std::optional<uint64_t> oom_max;
  std::string why;                  ///< fixed loads: why it does not move
};

struct HistoryAccumulator::Impl {
  const model::DesiredState& desired;
  MeasuredInput in;
  std::unordered_map<std::string, Owner> owners;         ///< live name -> owner
  std::map<std::string, Series> declared;                ///< declared service -> series
  std::map<std::pair<std::string, std::string>, Series> fixed;  ///< (live service, host) -> series

  std::set<std::string> live_names;  ///< services running now; empty: not known

  Impl(const model::DesiredState& d, const model::LiveState& live, std::string db_path) : desired(d) {
    in.local_data = local_data_of(d, live);
    for (const auto& l : live.services) live_names.insert(l.name);
    in.basis.kind = Basis::Kind::history;
    in.basis.source = std::move(db_path);
  }

  /// Closes the series' current window: per task for a declared service.
  static void flush(Series& s, bool per_task) {
    const WindowSum& w = s.current;
    if (s.current_at == std::numeric_limits<int64_t>::min() || w.tasks <= 0) return;
    const double n = per_task ? w.tasks : 1.0;
    if (s.cpu.empty()) s.first_at = s.current_at;
    s.last_at = s.current_at;
    s.cpu.push_back(static_cast<float>(per_task ? w.cpu_task_max : w.cpu));
    s.memory.push_back(static_cast<float>(per_task ? w.memory_task_max : static_cast<double>(w.memory)));
    s.window_total += w.window_seconds;
    s.throttled_share_x_s += w.throttled_ratio_x_tasks / w.tasks * w.window_seconds;
    s.throttled_cpus_x_s += w.throttled_cpus / n * w.window_seconds;
    s.tasks_latest = w.tasks;
    if (w.oom_kills) s.oom_max = std::max(s.oom_max.value_or(0), *w.oom_kills);
  }

  static void add_row(Series& s, const usage::UsageRecord& r, bool per_task) {
    if (r.at_unix != s.current_at) {
      flush(s, per_task);
      s.current_at = r.at_unix;
      s.current = WindowSum{};
    }
    add_to(s.current, r);
  }

  /// p50, p95 and max of a series: one sorted copy for all three.
  static usage::Percentiles percentiles_of(const std::vector<float>& values) {
    std::vector<double> sorted(values.begin(), values.end());
    std::sort(sorted.begin(), sorted.end());
    return {usage::quantile_of_sorted(sorted, 0.5), usage::quantile_of_sorted(sorted, 0.95),
            sorted.empty() ? 0.0 : sorted.back()};
  }
};

HistoryAccumulator::HistoryAccumulator(const model::DesiredState& desired, const model::LiveState& live,
                                       std::string db_path)
    : impl_(std::make_unique<Impl>(desired, live, std::move(db_path))) {}
HistoryAccumulator::~HistoryAccumulator() = default;
HistoryAccumulator::HistoryAccumulator(HistoryAccumulator&&) noexcept = default;
HistoryAccumulator& HistoryAccumulator::operator=(HistoryAccumulator&&) noexcept = default;

void HistoryAccumulator::add(const usage::UsageRecord& r) {
  Impl& m = *impl_;
  auto it = m.owners.find(r.service);
  if (it == m.owners.end()) it = m.owners.emplace(r.service, owner_of(m.desired, r.service)).first;
  if (m.in.basis.first_at_unix == 0 || r.at_unix < m.in.basis.first_at_unix) m.in.basis.first_at_unix = r.at_unix;
  m.in.basis.last_at_unix = std::max(m.in.basis.last_at_unix, r.at_unix);
  if (!it->second.why.empty()) {
    Series& s = m.fixed[{r.service, r.host}];
    s.why = it->second.why;
    Impl::add_row(s, r, /*per_task=*/false);
  }
  if (!it->second.key.empty()) Impl::add_row(m.declared[it->second.key], r, /*per_task=*/true);
}

MeasuredInput HistoryAccumulator::finish() {
  Impl& m = *impl_;
  MeasuredInput in = std::move(m.in);
  for (auto& [key, s] : m.declared) {
    Impl::flush(s, true);
    s.current_at = std::numeric_limits<int64_t>::min();
    if (s.cpu.empty()) continue;
    Measured& out = in.services[key];
    out.samples = static_cast<int>(s.cpu.size());
    out.span_seconds = static_cast<double>(s.last_at - s.first_at);
    out.tasks = s.tasks_latest;
    const usage::Percentiles cpu = Impl::percentiles_of(s.cpu);
    const usage::Percentiles memory = Impl::percentiles_of(s.memory);
    out.cpu_p50 = cpu.p50;
    out.cpu_p95 = cpu.p95;
    out.cpu_max = cpu.max;
    out.memory_p50 = memory.p50;
    out.memory_peak = memory.max;
    out.throttled_share = s.window_total > 0 ? s.throttled_share_x_s / s.window_total : 0;
    out.throttled_cpus = s.window_total > 0 ? s.throttled_cpus_x_s / s.window_total : 0;
    out.oom_kills = s.oom_max.value_or(0);
    in.basis.windows = std::max(in.basis.windows, out.samples);
    in.basis.span_seconds = std::max(in.basis.span_seconds, out.span_seconds);
  }
  // A fixed load counts where it runs now: a service removed since is
  // dropped, and one the swarm moved counts only on the host(s) of its
  // newest window, not on every host it ever ran on.
  std::map<std::string, int64_t> newest;
  for (auto& [where, s] : m.fixed) {
    Impl::flush(s, false);
    s.current_at = std::numeric_limits<int64_t>::min();
    if (!s.cpu.empty()) newest[where.first] = std::max(newest[where.first], s.last_at);
  }
  for (auto& [where, s] : m.fixed) {
    if (s.cpu.empty() || s.last_at < newest[where.first]) continue;
    if (!m.live_names.empty() && !m.live_names.contains(where.first)) continue;
    in.fixed.push_back({where.first, where.second, Impl::percentiles_of(s.cpu).p95, s.why});
  }
  sort_fixed(in.fixed);
  for (const auto& [name, owner] : m.owners) {
    if (owner.why == kSeveral) {
      in.notes.push_back(name + " is matched by several declared services: its use counts on its host but sizes none");
    }
  }
  std::sort(in.notes.begin(), in.notes.end());
  return in;
}

MeasuredInput from_history(const model::DesiredState& desired, const std::vector<usage::UsageRecord>& records,
                           const model::LiveState& live, const std::string& db_path) {
  // The accumulator wants a window's rows together, oldest first.
  std::vector<const usage::UsageRecord*> sorted;
  sorted.reserve(records.size());
  for (const auto& r : records) sorted.push_back(&r);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const usage::UsageRecord* a, const usage::UsageRecord* b) { return a->at_unix < b->at_unix; });
  HistoryAccumulator acc(desired, live, db_path);
  for (const auto* r : sorted) acc.add(*r);
  return acc.finish();
}

MeasuredInput from_window(const model::DesiredState& desired, const usage::UsageReport& report,
                          const model::LiveState& live) {
  MeasuredInput in;
  in.local_data = local_data_of(desired, live);
  in.basis.kind = Basis::Kind::live_window;
  in.basis.windows = 1;
  in.basis.span_seconds = report.window_seconds;
  in.basis.source = "a live window";

  std::map<std::string, WindowSum> sums;
  std::map<std::string, std::string> several;
  for (const auto& s : report.services) {
    const Owner owner = owner_of(desired, s.name);
    if (!owner.why.empty()) {
      in.fixed.push_back({s.name, s.host, s.cpu_used, owner.why});
      if (owner.why == kSeveral) several[s.name] = owner.why;
    }
    if (owner.key.empty()) continue;
    usage::UsageRecord r;
    r.window_seconds = report.window_seconds;
    r.tasks = s.tasks;
    r.cpu_used = s.cpu_used;
    r.throttled_ratio = s.throttled_ratio;
    r.throttled_cpus = s.throttled_cpus;
    r.memory_used_bytes = s.memory_used_bytes;
    r.oom_kills = s.oom_kills;
    add_to(sums[owner.key], r);
  }
  for (const auto& [key, w] : sums) {
    if (w.tasks <= 0) continue;  // only partial tasks: nothing measured
    const double n = w.tasks;
    Measured m;
    m.samples = 1;
    m.span_seconds = report.window_seconds;
    m.tasks = w.tasks;
    m.cpu_p50 = m.cpu_p95 = m.cpu_max = w.cpu_task_max;
    m.memory_p50 = m.memory_peak = w.memory_task_max;
    m.throttled_share = w.throttled_ratio_x_tasks / n;
    m.throttled_cpus = w.throttled_cpus / n;
    m.oom_kills = w.oom_kills.value_or(0);
    in.services[key] = m;
  }
  sort_fixed(in.fixed);
  for (const auto& h : report.hosts) {
    if (h.error) in.notes.push_back(h.name + " was not measured (" + *h.error + "): its services keep their values");
  }
  for (const auto& [name, why] : several) {
    in.notes.push_back(name + " is matched by several declared services: its use counts on its host but sizes none");
  }
  return in;
}

}  // namespace swarmform::advise
