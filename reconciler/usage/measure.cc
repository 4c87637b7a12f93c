#include "reconciler/usage/measure.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "reconciler/model/quantity.h"
#include "reconciler/usage/proc_stat.h"
#include "reconciler/util/glob.h"

namespace swarmform::usage {
namespace {

/// The engine's read times and CPU counters are nanoseconds.
constexpr double kNanosPerSecond = 1e9;

/// What one container did between its two readings.
struct TaskDelta {
  double cpu_cores = 0;
  uint64_t periods = 0;
  uint64_t throttled_periods = 0;
  double throttled_cpus = 0;
  std::optional<uint64_t> memory_used_bytes;  ///< from the second reading
  std::optional<uint64_t> oom_kills;          ///< from the second reading
};

/// The two readings of one container, or nullopt when they cannot be
/// compared: the read time did not advance, or a counter went backwards
/// (the container restarted under the same id).
std::optional<TaskDelta> task_delta(const model::ContainerSample& a,
                                    const model::ContainerSample& b) {
  if (b.read_at_ns <= a.read_at_ns) return std::nullopt;
  if (b.cpu_total_ns < a.cpu_total_ns || b.periods < a.periods ||
      b.throttled_periods < a.throttled_periods || b.throttled_ns < a.throttled_ns) {
    return std::nullopt;
  }
  const double wall_ns = static_cast<double>(b.read_at_ns - a.read_at_ns);
  TaskDelta d;
  d.cpu_cores = static_cast<double>(b.cpu_total_ns - a.cpu_total_ns) / wall_ns;
  d.periods = b.periods - a.periods;
  d.throttled_periods = b.throttled_periods - a.throttled_periods;
  d.throttled_cpus = static_cast<double>(b.throttled_ns - a.throttled_ns) / wall_ns;
  d.memory_used_bytes = b.memory_used_bytes;
  d.oom_kills = b.oom_kills;
  return d;
}

/// One service's tasks on one host, summed as they are matched.
struct ServiceTally {
  int tasks = 0;
  int partial_tasks = 0;
  double cpu_cores = 0;
  uint64_t periods = 0;
  uint64_t throttled_periods = 0;
  double throttled_cpus = 0;
  uint64_t memory_used_bytes = 0;
  std::optional<uint64_t> oom_kills;

  void add(const TaskDelta& d) {
    ++tasks;
    cpu_cores += d.cpu_cores;
    periods += d.periods;
    throttled_periods += d.throttled_periods;
    throttled_cpus += d.throttled_cpus;
    // A task whose engine gave no memory usage adds nothing (and the sum is
    // then a floor): ServiceUsage has no "unknown" for memory, and counting
    // the others is truer than printing nothing.
    memory_used_bytes += d.memory_used_bytes.value_or(0);
    if (d.oom_kills) oom_kills = oom_kills.value_or(0) + *d.oom_kills;
  }
};

/// Service name -> its tally on one host.
using HostTallies = std::map<std::string, ServiceTally>;

/// Matches the containers of both readings by id: seen at both ends and
/// comparable -> measured; otherwise (started, stopped or restarted inside
/// the window) partial, never zero.
HostTallies tally_containers(const HostReadings& r) {
  HostTallies tallies;
  std::map<std::string_view, const model::ContainerSample*> second_by_id;
  for (const auto& c : r.second) second_by_id.emplace(c.container_id, &c);
  std::set<std::string_view> matched;
  for (const auto& a : r.first) {
    auto it = second_by_id.find(a.container_id);
    if (it == second_by_id.end()) {
      ++tallies[a.service].partial_tasks;
      continue;
    }
    matched.insert(a.container_id);
    auto d = task_delta(a, *it->second);
    if (d) {
      tallies[it->second->service].add(*d);
    } else {
      ++tallies[it->second->service].partial_tasks;
    }
  }
  for (const auto& b : r.second) {
    if (!matched.contains(b.container_id)) ++tallies[b.service].partial_tasks;
  }
  return tallies;
}

/// The per-task limit (0 = none, Docker's convention) times the measured
/// tasks; absent without a limit or without a measured task (there is
/// nothing to hold the use against).
std::optional<int64_t> total_limit(int64_t per_task, int tasks) {
  if (per_task <= 0 || tasks <= 0) return std::nullopt;
  return model::saturating_mul(per_task, static_cast<uint64_t>(tasks));
}

ServiceUsage service_usage(const std::string& host, const std::string& name, const ServiceTally& t,
                           const model::LiveService* live) {
  ServiceUsage s;
  s.name = name;
  s.host = host;
  s.tasks = t.tasks;
  s.partial_tasks = t.partial_tasks;
  s.cpu_used = t.cpu_cores;
  s.throttled_ratio =
      t.periods == 0 ? 0
                     : static_cast<double>(t.throttled_periods) / static_cast<double>(t.periods);
  s.throttled_cpus = t.throttled_cpus;
  s.memory_used_bytes = t.memory_used_bytes;
  s.oom_kills = t.oom_kills;
  // A service the manager does not list (removed inside the window, or its
  // containers outlived it) has no limit anyone could read: flagged no limit.
  const model::Resources limits = live ? live->limits : model::Resources{};
  s.cpu_limit_nano = total_limit(limits.nano_cpus, t.tasks);
  s.memory_limit_bytes = total_limit(limits.memory_bytes, t.tasks);
  s.no_limit = limits.nano_cpus <= 0;
  s.starved = s.throttled_ratio >= kStarvedThrottledRatio;
  s.idle =
      s.cpu_limit_nano.has_value() &&
      s.cpu_used <= kIdleShareOfLimit * static_cast<double>(*s.cpu_limit_nano) / kNanosPerSecond;
  return s;
}

bool is_target(const std::string& service, const std::vector<std::string>& targets) {
  if (targets.empty()) return true;
  return std::any_of(targets.begin(), targets.end(),
                     [&](const std::string& glob) { return glob_matches(glob, service); });
}

/// The host's own figures over the window, or why there are none.
void host_figures(const HostReadings& r, HostUsage& h) {
  if (!r.host_first || !r.host_second) {
    h.host_figures_unavailable =
        !r.host_first ? r.host_first.error().message : r.host_second.error().message;
    return;
  }
  h.load1 = r.host_second->load1;
  h.cpus_seen = r.host_second->cpus;
  h.busy_cpus = busy_cpus_between(*r.host_first, *r.host_second);
  if (!h.busy_cpus) {
    h.host_figures_unavailable = "the host's CPU counters did not advance between the two readings";
  }
}

using LiveByName = std::map<std::string_view, const model::LiveService*>;

/// One host: its figures and, appended to `services`, its rows.  The host's
/// swarm_cpus and other_cpus count every service, --target or not: the
/// picture of the host stays true when the rows are filtered.
HostUsage measure_host(const std::string& name, const model::Host& declared, const HostReadings* r,
                       const LiveByName& live, const MeasureOptions& options,
                       std::vector<ServiceUsage>& services) {
  HostUsage h;
  h.name = name;
  h.capacity_nano = declared.capacity.nano_cpus;
  h.memory_capacity_bytes = declared.capacity.memory_bytes;
  if (r == nullptr) {
    h.error = name + ": not read";
    return h;
  }
  if (r->error) {
    h.error = *r->error;
    return h;
  }
  host_figures(*r, h);
  for (const auto& [service, tally] : tally_containers(*r)) {
    auto it = live.find(service);
    ServiceUsage s = service_usage(name, service, tally, it == live.end() ? nullptr : it->second);
    h.swarm_cpus += s.cpu_used;
    if (is_target(service, options.targets)) services.push_back(std::move(s));
  }
  if (h.busy_cpus) h.other_cpus = std::max(0.0, *h.busy_cpus - h.swarm_cpus);
  return h;
}

/// By host in the hosts' order, then CPU used descending, then name.
void sort_services(std::vector<ServiceUsage>& services, const std::vector<HostUsage>& hosts) {
  std::map<std::string_view, size_t> host_rank;
  for (size_t i = 0; i < hosts.size(); ++i) host_rank.emplace(hosts[i].name, i);
  std::stable_sort(
      services.begin(), services.end(), [&](const ServiceUsage& a, const ServiceUsage& b) {
        return std::tuple(host_rank.at(a.host), -a.cpu_used, std::string_view(a.name)) <
               std::tuple(host_rank.at(b.host), -b.cpu_used, std::string_view(b.name));
      });
}

}  // namespace

UsageReport measure(const model::DesiredState& desired, const model::LiveState& live,
                    const std::vector<HostReadings>& readings, const MeasureOptions& options) {
  LiveByName live_by_name;
  for (const auto& s : live.services) live_by_name.emplace(s.name, &s);
  std::map<std::string_view, const HostReadings*> readings_by_host;
  for (const auto& r : readings) readings_by_host.emplace(r.host, &r);  // the first of a host wins

  UsageReport report;
  report.window_seconds = options.window_seconds;
  // desired.hosts is a map: its order (by name) is the order of every other
  // per-host view (the capacity table).
  for (const auto& [name, host] : desired.hosts) {
    auto it = readings_by_host.find(name);
    const HostReadings* r = it == readings_by_host.end() ? nullptr : it->second;
    report.hosts.push_back(measure_host(name, host, r, live_by_name, options, report.services));
  }
  sort_services(report.services, report.hosts);
  return report;
}

}  // namespace swarmform::usage
