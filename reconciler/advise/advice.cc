// advise(): sizing.h's right_size for every declared service, then
// placement.h's place over the hosts with the new values (advice.h).  The
// join: which services are candidates to move, which only count, and what
// the placement's answer means for each service.

#include "reconciler/advise/advice.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "reconciler/advise/figures.h"
#include "reconciler/model/capacity.h"
#include "reconciler/model/quantity.h"
#include "reconciler/util/glob.h"

namespace swarmform::advise {
namespace {

using detail::cpus;
using detail::memory;
using detail::num;

/// The reason a declared service that no measurement names keeps its values.
constexpr const char* kNotMeasured = "not measured: no usage recorded or sampled for it";
constexpr const char* kStaysKeep = "--keep";
constexpr const char* kStaysLocalData =
    "it mounts a local volume; allow_data_move: true lets it move";
constexpr const char* kStaysGlobal = "global: one task on every node";
/// measured_input.h's reason for the fixed load of a declared service
/// without a host.
constexpr const char* kFixedNotPinned = "not pinned to a host";

/// Why a declared service no measurement names keeps its values.  One not
/// pinned to a host (and not global) was measured as fixed loads where it
/// ran (measured_input.h): say so, not "not measured".
std::string unmeasured_reason(const model::Service& s, const std::vector<FixedLoad>& fixed) {
  if (!s.host.empty() || model::runs_on_every_node(s)) return kNotMeasured;
  std::vector<std::string> hosts;
  for (const FixedLoad& f : fixed) {
    if (f.why == kFixedNotPinned && glob_matches(s.match, f.service) &&
        std::find(hosts.begin(), hosts.end(), f.host) == hosts.end()) {
      hosts.push_back(f.host);
    }
  }
  if (hosts.empty()) return kNotMeasured;
  std::string on;
  for (const auto& h : hosts) on += (on.empty() ? "" : ", ") + h;
  return std::string(
             "not sized: it is not pinned to a host, so its measured use counts as a fixed load "
             "where it "
             "ran (") +
         on + "); declare `host:` to have it sized and placed";
}

/// The tasks a service counts on its host, as model::desired_host_loads
/// counts them: its replicas in replicated mode (1 without), else 1.
uint64_t counted_tasks(const model::Service& s) {
  return s.mode == model::ServiceMode::replicated ? s.replicas.value_or(1) : 1;
}

Candidate candidate(const std::string& name, const std::string& host, uint64_t tasks,
                    const Sizing& sizing, double cpu_p95_per_task, std::string stays_because) {
  Candidate c;
  c.service = name;
  c.host = host;
  c.tasks = tasks;
  c.cpu_limit_nano = sizing.limits.nano_cpus.value_or(0);
  c.memory_limit_bytes = sizing.limits.memory_bytes.value_or(0);
  c.cpu_reservation_nano = sizing.reservations.nano_cpus.value_or(0);
  c.memory_reservation_bytes = sizing.reservations.memory_bytes.value_or(0);
  // Not finite or negative counts 0 (place() does the same; done here so
  // that the product with tasks is never NaN x 0 or inf).
  c.cpu_p95 = std::isfinite(cpu_p95_per_task) && cpu_p95_per_task > 0
                  ? cpu_p95_per_task * static_cast<double>(tasks)
                  : 0;
  c.stays_because = std::move(stays_because);
  return c;
}

/// A name no other candidate has: `base`, else `base #2`, `#3`, ...
std::string unique_name(const std::string& base, std::set<std::string>& taken) {
  std::string name = base;
  for (int n = 2; taken.contains(name); ++n) name = base + " #" + std::to_string(n);
  taken.insert(name);
  return name;
}

/// What a host is over after placement, with numbers ("p95 4.1 of 3.2 CPUs
/// at 80%; CPU limits 5.5 of 4 CPUs allowed (budget 1x)"), judged as
/// place() judges (model::HostLoad's exact checks; p95 in nano-CPUs).
/// Empty when it fits.
std::string over_text(const HostRoom& room, const HostTotals& t, double target) {
  std::vector<std::string> parts;
  const int64_t target_nano = target > 0 ? std::llround(std::min(target, 1e6) * 1e9) : 0;
  const double p95 = t.cpu_p95 > 0 ? t.cpu_p95 : 0;
  const int64_t p95_nano = p95 * 1e9 >= 9.2e18 ? model::kSaturated : std::llround(p95 * 1e9);
  if (!model::within_budget(p95_nano, room.cpu_nano, target_nano)) {
    parts.push_back(
        "p95 " + num(p95) + " of " +
        num(static_cast<double>(room.cpu_nano) / 1e9 * static_cast<double>(target_nano) / 1e9) +
        " CPUs at " + num(static_cast<double>(target_nano) / 1e7) + "%");
  }
  if (!model::within_budget(t.cpu_limits_nano, room.cpu_nano, room.cpu_budget)) {
    parts.push_back(
        "CPU limits " + cpus(t.cpu_limits_nano) + " of " +
        num(static_cast<double>(room.cpu_nano) / 1e9 * static_cast<double>(room.cpu_budget) / 1e9) +
        " CPUs allowed (budget " + num(static_cast<double>(room.cpu_budget) / 1e9) + "x)");
  }
  if (!model::within_budget(t.memory_limits_bytes, room.memory_bytes, room.memory_budget)) {
    const auto allowed =
        static_cast<int64_t>(std::min(9.2e18, static_cast<double>(room.memory_bytes) *
                                                  static_cast<double>(room.memory_budget) / 1e9));
    parts.push_back("memory limits " + memory(t.memory_limits_bytes) + " of " + memory(allowed) +
                    " allowed (budget " + num(static_cast<double>(room.memory_budget) / 1e9) +
                    "x)");
  }
  if (t.cpu_reservations_nano == model::kSaturated || t.cpu_reservations_nano > room.cpu_nano) {
    parts.push_back("CPU reservations " + cpus(t.cpu_reservations_nano) + " of " +
                    cpus(room.cpu_nano) + " CPUs");
  }
  if (t.memory_reservations_bytes == model::kSaturated ||
      t.memory_reservations_bytes > room.memory_bytes) {
    parts.push_back("memory reservations " + memory(t.memory_reservations_bytes) + " of " +
                    memory(room.memory_bytes));
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

/// Why a starved service's raise cannot be given, or empty when it can:
/// the placement fits, so every host holds the raised limits.
std::string cannot_raise(const ServiceAdvice& sa, const model::Service& s,
                         const std::vector<HostRoom>& rooms, const Placement& placement,
                         double target) {
  if (!sa.sizing.starved || placement.fits) return {};
  // The hosts it runs on after placement: its own, or every one (global).
  std::vector<size_t> on;
  for (size_t h = 0; h < rooms.size(); ++h) {
    if (rooms[h].name == sa.host_after || model::runs_on_every_node(s)) on.push_back(h);
  }
  for (size_t h : on) {
    if (h >= placement.after.size() || placement.after[h].fits) continue;
    return rooms[h].name +
           " cannot give it more: " + over_text(rooms[h], placement.after[h], target);
  }
  const std::string where = on.size() == 1 ? rooms[on.front()].name : std::string("the swarm");
  return where +
         " cannot give it more: no placement fits every host (see why not), so no limit is raised";
}

}  // namespace

bool Advice::has_changes() const {
  return placement.fits && std::any_of(services.begin(), services.end(),
                                       [](const ServiceAdvice& s) { return s.changes(); });
}

Advice advise(const model::DesiredState& desired, const MeasuredInput& input,
              const AdviseOptions& options) {
  Advice out;
  out.basis = input.basis;
  out.target_utilization = options.target_utilization;
  out.notes = input.notes;
  out.fixed = input.fixed;
  // By host, then service (measured_input's order, whatever the caller's);
  // stable, and not by the figure, which may be NaN.
  std::stable_sort(out.fixed.begin(), out.fixed.end(), [](const FixedLoad& a, const FixedLoad& b) {
    return std::tie(a.host, a.service, a.why) < std::tie(b.host, b.service, b.why);
  });
  const std::set<std::string> keep(options.keep.begin(), options.keep.end());

  std::vector<HostRoom> rooms;
  for (const auto& [name, h] : desired.hosts) {
    rooms.push_back({name, h.capacity.nano_cpus, h.capacity.memory_bytes, desired.cpu_budget(h),
                     desired.memory_budget(h)});
  }

  // Declared names first, so a fixed load's or a global service's per-host
  // candidate never takes a declared service's name.
  std::set<std::string> taken;
  for (const auto& [name, s] : desired.services) taken.insert(name);

  std::vector<Candidate> candidates;
  std::vector<const model::Service*> declared_of;  // per candidate: its service, or null (fixed)
  std::vector<double> measured_p95;                // per candidate: its p95 as measured (cores, all tasks)
  for (const auto& [name, s] : desired.services) {
    ServiceAdvice& sa = out.services.emplace_back();
    sa.name = name;
    sa.host_before = s.host;
    sa.host_after = s.host;
    sa.tasks = counted_tasks(s);
    sa.limits_before = s.limits;
    sa.reservations_before = s.reservations;
    if (auto m = input.services.find(name); m != input.services.end()) {
      sa.measured = true;
      sa.figures = m->second;
      sa.sizing = right_size(s, m->second, options.sizing);
    } else {
      sa.sizing.limits = s.limits;
      sa.sizing.reservations = s.reservations;
      sa.sizing.kept = true;
      sa.sizing.reasons.push_back(unmeasured_reason(s, out.fixed));
    }
    const double p95 = sa.measured ? sa.figures.cpu_p95 : 0;
    // A starved service will use what its limit cut off once the limit is
    // raised: placement counts that demand on its host, not the throttled
    // p95 (the hosts as declared keep the p95 measured).
    const double demand = p95 + (sa.sizing.starved && std::isfinite(sa.figures.throttled_cpus)
                                     ? std::max(0.0, sa.figures.throttled_cpus)
                                     : 0.0);

    if (!s.host.empty()) {
      std::string stays;
      if (keep.contains(name)) {
        stays = kStaysKeep;
      } else if (input.local_data.contains(name) && !s.allow_data_move) {
        stays = kStaysLocalData;
      }
      // A host the desired state does not declare: place() counts it on
      // none and never moves it.
      candidates.push_back(candidate(name, s.host, sa.tasks, sa.sizing, demand, std::move(stays)));
      measured_p95.push_back(candidate(name, s.host, sa.tasks, sa.sizing, p95, "").cpu_p95);
      declared_of.push_back(&s);
    } else if (model::runs_on_every_node(s)) {
      for (const HostRoom& room : rooms) {
        candidates.push_back(candidate(unique_name(name + " (on " + room.name + ")", taken),
                                       room.name, 1, sa.sizing, demand, kStaysGlobal));
        measured_p95.push_back(candidate(name, room.name, 1, sa.sizing, p95, "").cpu_p95);
        declared_of.push_back(&s);
      }
    }
    // Any other service without a host counts on none: the swarm places it,
    // and its measured load arrives as a fixed load where it ran.
  }
  for (const FixedLoad& f : out.fixed) {
    Candidate c;
    c.service = unique_name(
        f.service + " (" + (f.why.empty() ? "fixed" : f.why) + ", on " + f.host + ")", taken);
    c.host = f.host;
    c.cpu_p95 = std::isfinite(f.cpu_p95) && f.cpu_p95 > 0 ? f.cpu_p95 : 0;
    c.stays_because = f.why.empty() ? "a fixed load" : f.why;
    measured_p95.push_back(c.cpu_p95);
    candidates.push_back(std::move(c));
    declared_of.push_back(nullptr);
  }

  out.placement = place(rooms, candidates, options.target_utilization);

  // The hosts as declared now: the same candidates with their declared
  // values, none movable, so place() only counts them.
  std::vector<Candidate> as_declared = candidates;
  for (size_t i = 0; i < as_declared.size(); ++i) {
    Candidate& c = as_declared[i];
    c.stays_because = "as declared";
    c.cpu_p95 = measured_p95[i];
    if (const model::Service* s = declared_of[i]) {
      c.cpu_limit_nano = s->limits.nano_cpus.value_or(0);
      c.memory_limit_bytes = s->limits.memory_bytes.value_or(0);
      c.cpu_reservation_nano = s->reservations.nano_cpus.value_or(0);
      c.memory_reservation_bytes = s->reservations.memory_bytes.value_or(0);
    }
  }
  out.declared_hosts = place(rooms, as_declared, options.target_utilization).before;

  for (ServiceAdvice& sa : out.services) {
    const model::Service& s = desired.services.at(sa.name);
    if (!s.host.empty()) {
      if (auto it = out.placement.host_of.find(sa.name); it != out.placement.host_of.end()) {
        sa.host_after = it->second;
      }
    }
    sa.cannot_raise = cannot_raise(sa, s, rooms, out.placement, options.target_utilization);
  }

  for (const std::string& k : keep) {
    if (!desired.services.contains(k))
      out.notes.push_back("--keep " + k + ": names no declared service");
  }
  return out;
}

}  // namespace swarmform::advise
