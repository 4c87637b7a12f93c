#include "reconciler/advise/placement.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "reconciler/advise/figures.h"
#include "reconciler/advise/placement_search.h"
#include "reconciler/model/capacity.h"
#include "reconciler/model/quantity.h"

namespace swarmform::advise {
namespace {

using detail::cpus;
using detail::Dim;
using detail::i128;
using detail::Item;
using detail::memory;
using detail::num;
using detail::Room;
using detail::Sums;

/// Measured cores in nano-CPUs, rounded to the nearest; negative or NaN
/// counts 0, past the int64 range counts as saturated (never fits).
int64_t p95_nano(double cores) {
  if (!(cores > 0)) return 0;
  const double nano = cores * 1e9;
  if (nano >= 9.2e18) return model::kSaturated;
  return std::llround(nano);
}

/// The target in billionths; not a positive number: 0 (no measured load fits).
int64_t target_nano(double target) {
  if (!(target > 0)) return 0;
  if (target > 1e6) return int64_t{1'000'000} * model::kNano;
  return std::llround(target * 1e9);
}

/// The host's totals as model::HostLoad counts them (so `validate` agrees),
/// plus the measured p95 against capacity x target.
HostTotals totals(const Room& room, const std::vector<Item>& items,
                  const std::vector<Candidate>& cand, const std::vector<size_t>& order,
                  const std::vector<int>& placement, int h) {
  model::HostLoad load;
  load.host = room.name;
  load.capacity = {room.cpu_nano, room.memory_bytes};
  load.cpu_budget = room.cpu_budget;
  load.memory_budget = room.memory_budget;
  int64_t p95 = 0;
  for (size_t k = 0; k < items.size(); ++k) {
    if (placement[k] != h) continue;
    const Candidate& c = cand[order[k]];
    load.add(c.service, c.tasks,
             {std::max<int64_t>(0, c.cpu_limit_nano), std::max<int64_t>(0, c.memory_limit_bytes)},
             {std::max<int64_t>(0, c.cpu_reservation_nano),
              std::max<int64_t>(0, c.memory_reservation_bytes)});
    p95 = model::saturating_add(p95, items[k].need[detail::kCpuP95]);
  }
  HostTotals t;
  t.name = room.name;
  t.cpu_nano = room.cpu_nano;
  t.memory_bytes = room.memory_bytes;
  t.cpu_budget = room.cpu_budget;
  t.memory_budget = room.memory_budget;
  t.cpu_limits_nano = load.limits.nano_cpus;
  t.memory_limits_bytes = load.limits.memory_bytes;
  t.cpu_reservations_nano = load.reservations.nano_cpus;
  t.memory_reservations_bytes = load.reservations.memory_bytes;
  t.cpu_p95 = static_cast<double>(p95) / 1e9;
  t.fits = load.fits() && model::within_budget(p95, room.cpu_nano, room.target_nano);
  return t;
}

Sums sums_at(const std::vector<Item>& items, const std::vector<int>& placement, int h) {
  Sums s{};
  for (size_t k = 0; k < items.size(); ++k) {
    if (placement[k] != h) continue;
    for (int d = 0; d < detail::kDims; ++d) s[d] += items[k].need[d];
  }
  return s;
}

std::string pct(int64_t billionths) { return num(static_cast<double>(billionths) / 1e7) + "%"; }
std::string ratio(int64_t billionths) { return num(static_cast<double>(billionths) / 1e9) + "x"; }

/// What a host is over, with numbers: "p95 4.1 of 3.2 CPUs at 80%; CPU
/// limits 9.5 of 4 CPUs allowed (budget 1x)".
std::vector<std::string> violations(const Room& r, const Sums& s) {
  std::vector<std::string> out;
  const double cap = static_cast<double>(r.cpu_nano);
  if (!detail::dim_fits(r, s, detail::kCpuP95)) {
    out.push_back("p95 " + cpus(s[detail::kCpuP95]) + " of " +
                  num(cap * static_cast<double>(r.target_nano) / 1e18) + " CPUs at " +
                  pct(r.target_nano));
  }
  if (!detail::dim_fits(r, s, detail::kCpuLimits)) {
    out.push_back("CPU limits " + cpus(s[detail::kCpuLimits]) + " of " +
                  num(cap * static_cast<double>(r.cpu_budget) / 1e18) + " CPUs allowed (budget " +
                  ratio(r.cpu_budget) + ")");
  }
  if (!detail::dim_fits(r, s, detail::kMemoryLimits)) {
    const auto allowed = static_cast<i128>(r.memory_bytes) * r.memory_budget / model::kNano;
    out.push_back("memory limits " + memory(s[detail::kMemoryLimits]) + " of " + memory(allowed) +
                  " allowed (budget " + ratio(r.memory_budget) + ")");
  }
  if (!detail::dim_fits(r, s, detail::kCpuReservations)) {
    out.push_back("CPU reservations " + cpus(s[detail::kCpuReservations]) + " of " +
                  cpus(r.cpu_nano) + " CPUs");
  }
  if (!detail::dim_fits(r, s, detail::kMemoryReservations)) {
    out.push_back("memory reservations " + memory(s[detail::kMemoryReservations]) + " of " +
                  memory(r.memory_bytes));
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

/// Why one move is made and what it frees on its host.
std::string move_reason(const std::vector<Room>& rooms, const std::vector<Item>& items,
                        const std::vector<int>& placement, size_t k,
                        const std::vector<Sums>& before, const std::vector<Sums>& after) {
  const Item& it = items[k];
  const int src = it.home;
  const int dst = placement[k];
  const Room& from = rooms[src];
  const Room& to = rooms[dst];
  const std::vector<std::string> over = violations(from, before[src]);
  std::string freed =
      "p95 " + cpus(it.need[detail::kCpuP95]) + ", limits " +
      (it.need[detail::kCpuLimits] > 0 ? cpus(it.need[detail::kCpuLimits]) + " CPUs" : "none");
  const auto over_on = [&](Dim d) { return !detail::dim_fits(from, before[src], d); };
  if (over_on(detail::kMemoryLimits))
    freed += ", memory limits " + memory(it.need[detail::kMemoryLimits]);
  if (over_on(detail::kCpuReservations))
    freed += ", CPU reservations " + cpus(it.need[detail::kCpuReservations]);
  if (over_on(detail::kMemoryReservations)) {
    freed += ", memory reservations " + memory(it.need[detail::kMemoryReservations]);
  }
  // the room `to` had for it, given the other moves: its room afterwards plus what it brings
  const i128 target = static_cast<i128>(to.cpu_nano) * to.target_nano / model::kNano;
  const i128 room = target - (after[dst][detail::kCpuP95] - it.need[detail::kCpuP95]);
  const std::string lands = to.name + ", which has " + cpus(std::max<i128>(0, room)) +
                            " CPUs of room at " + pct(to.target_nano);
  if (!over.empty()) {
    const bool target_only = over.size() == 1 && over_on(detail::kCpuP95);
    return from.name + " is over its " + (target_only ? "target" : "budgets") + " (" +
           join(over, "; ") + "); " + it.name + " (" + freed + ") moves to " + lands;
  }
  std::vector<std::string> arrivals;
  for (size_t j = 0; j < items.size(); ++j) {
    if (placement[j] == src && items[j].home != src) arrivals.push_back(items[j].name);
  }
  return it.name + " (" + freed + ") moves from " + from.name + " to " + lands +
         ", to make room on " + from.name + " for " + join(arrivals, ", ");
}

/// The CPUs (and memory) host `r` would need to hold `s`, when it cannot.
std::string host_need(const Room& r, const Sums& s) {
  const double limits =
      static_cast<double>(s[detail::kCpuLimits]) / (r.cpu_budget > 0 ? r.cpu_budget : 1);
  const double reservations = static_cast<double>(s[detail::kCpuReservations]) / 1e9;
  const double p95 =
      r.target_nano > 0 ? static_cast<double>(s[detail::kCpuP95]) / r.target_nano : 0;
  const double need = std::max({limits, reservations, p95});
  std::string out =
      r.name + " (" + cpus(r.cpu_nano) + " CPUs) would need " + num(std::ceil(need * 100) / 100) +
      " CPUs to hold what is placed on it now (p95 " + cpus(s[detail::kCpuP95]) + " at " +
      pct(r.target_nano) + ", limits " + cpus(s[detail::kCpuLimits]) + " at budget " +
      ratio(r.cpu_budget) + ", reservations " + cpus(s[detail::kCpuReservations]) + ")";
  const bool memory_short = !detail::dim_fits(r, s, detail::kMemoryLimits) ||
                            !detail::dim_fits(r, s, detail::kMemoryReservations);
  if (memory_short) {
    const i128 by_limits = r.memory_budget > 0
                               ? s[detail::kMemoryLimits] * model::kNano / r.memory_budget + 1
                               : s[detail::kMemoryLimits];
    const i128 need_bytes = std::max(by_limits, s[detail::kMemoryReservations]);
    const i128 mib = 1024 * 1024;
    out += " and " + memory((need_bytes + mib - 1) / mib * mib) + " of memory (has " +
           memory(r.memory_bytes) + ")";
  }
  return out;
}

}  // namespace

// Choices where issue 15 is silent:
// - Services whose declared host is not among `hosts` count on no host and
//   never move; host_of keeps their declared host.
// - When nothing fits, host_of is the current placement and moves is empty:
//   a placement that does not fit is no advice to apply.  `after` then equals
//   `before`, and why_not says what capacity would fit.
// - Measured p95 is counted in whole nano-CPUs (rounded to the nearest) and
//   the target in billionths, so the p95 check is exact integer arithmetic
//   like the budget checks (model::within_budget); negative figures count 0.
// - demand_p95_cpus sums the services placed on `hosts`; smallest_total_cpus
//   is demand / target, a lower bound (limits and whole services may need more).
Placement place(const std::vector<HostRoom>& hosts, const std::vector<Candidate>& services,
                double target_utilization) {
  Placement out;
  const int64_t target = target_nano(target_utilization);
  std::vector<Room> rooms;
  std::map<std::string, int> room_of;
  for (const HostRoom& h : hosts) {
    room_of.emplace(h.name, static_cast<int>(rooms.size()));  // a repeated name: the first counts
    rooms.push_back({h.name, std::max<int64_t>(0, h.cpu_nano), std::max<int64_t>(0, h.memory_bytes),
                     std::max<int64_t>(0, h.cpu_budget), std::max<int64_t>(0, h.memory_budget),
                     target});
  }
  // by name (then host) whatever the input order: the search and its ties depend on this order only
  std::vector<size_t> order(services.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::tie(services[a].service, services[a].host) <
           std::tie(services[b].service, services[b].host);
  });
  std::vector<Item> items;
  items.reserve(order.size());
  for (size_t idx : order) {
    const Candidate& c = services[idx];
    Item it;
    it.name = c.service;
    auto r = room_of.find(c.host);
    it.home = r == room_of.end() ? -1 : r->second;
    it.movable = it.home >= 0 && c.stays_because.empty();
    const auto total = [&](int64_t per_task) {
      return model::saturating_mul(std::max<int64_t>(0, per_task), c.tasks);
    };
    it.need[detail::kCpuLimits] = total(c.cpu_limit_nano);
    it.need[detail::kMemoryLimits] = total(c.memory_limit_bytes);
    it.need[detail::kCpuReservations] = total(c.cpu_reservation_nano);
    it.need[detail::kMemoryReservations] = total(c.memory_reservation_bytes);
    it.need[detail::kCpuP95] = p95_nano(c.cpu_p95);
    items.push_back(std::move(it));
  }

  const detail::Found found = detail::search(rooms, items);
  std::vector<int> homes(items.size());
  for (size_t k = 0; k < items.size(); ++k) homes[k] = items[k].home;
  const std::vector<int>& placement = found.fits ? found.placement : homes;
  out.fits = found.fits;

  std::vector<Sums> before(rooms.size());
  std::vector<Sums> after(rooms.size());
  for (size_t h = 0; h < rooms.size(); ++h) {
    before[h] = sums_at(items, homes, static_cast<int>(h));
    after[h] = sums_at(items, placement, static_cast<int>(h));
    out.before.push_back(totals(rooms[h], items, services, order, homes, static_cast<int>(h)));
    out.after.push_back(totals(rooms[h], items, services, order, placement, static_cast<int>(h)));
  }
  for (size_t k = 0; k < items.size(); ++k) {
    const Candidate& c = services[order[k]];
    out.host_of[c.service] = items[k].home < 0 ? c.host : rooms[placement[k]].name;
    if (placement[k] == items[k].home) continue;
    out.moves.push_back({c.service, rooms[items[k].home].name, rooms[placement[k]].name,
                         move_reason(rooms, items, placement, k, before, after)});
  }

  double demand = 0;
  for (const Item& it : items) {
    if (it.home >= 0) demand += static_cast<double>(it.need[detail::kCpuP95]) / 1e9;
  }
  out.demand_p95_cpus = demand;
  out.smallest_total_cpus = target > 0 ? demand * 1e9 / static_cast<double>(target) : 0;
  if (out.fits) return out;

  // Why not, with the smallest capacity that would fit.
  i128 total_target = 0;
  std::vector<std::string> caps;
  int largest = -1;
  for (size_t h = 0; h < rooms.size(); ++h) {
    total_target += static_cast<i128>(rooms[h].cpu_nano) * target / model::kNano;
    caps.push_back(cpus(rooms[h].cpu_nano));
    if (largest < 0 || rooms[h].cpu_nano > rooms[largest].cpu_nano ||
        (rooms[h].cpu_nano == rooms[largest].cpu_nano && rooms[h].name < rooms[largest].name)) {
      largest = static_cast<int>(h);
    }
  }
  i128 total_p95 = 0;
  for (const Item& it : items) {
    if (it.home >= 0) total_p95 += it.need[detail::kCpuP95];
  }
  const std::string have = caps.empty() ? "no hosts" : join(caps, " + ") + " CPUs";
  std::string example;
  if (largest >= 0) {
    // The least whole CPUs on the largest host that a search (the same moves
    // allowed) finds a fit with, the other hosts as they are; a few tries up.
    const double others =
        static_cast<double>(std::accumulate(rooms.begin(), rooms.end(), i128{0},
                                            [](i128 a, const Room& r) { return a + r.cpu_nano; }) -
                            rooms[largest].cpu_nano) /
        1e9;
    double start = std::max(std::ceil(static_cast<double>(rooms[largest].cpu_nano) / 1e9),
                            std::ceil(out.smallest_total_cpus - others - 1e-9));
    constexpr int kTries = 8;
    for (int t = 0; t < kTries && start + t <= static_cast<double>(model::kMaxCpus); ++t) {
      std::vector<Room> bigger = rooms;
      bigger[largest].cpu_nano = static_cast<int64_t>(start + t) * model::kNano;
      if (bigger[largest].cpu_nano <= rooms[largest].cpu_nano) continue;
      if (detail::search(bigger, items, detail::Effort::quick).fits) {
        example =
            rooms[largest].name + " with " + num(start + t) + " CPUs, the other hosts as they are";
        break;
      }
    }
  }
  if (total_p95 > total_target) {
    std::string s = "measured demand is " + num(demand) + " CPUs at p95; " + have +
                    " cannot hold it at " + pct(target) + "; " +
                    num(std::ceil(out.smallest_total_cpus * 100) / 100) + " CPUs in total could";
    if (!example.empty()) s += " (e.g. " + example + ")";
    out.why_not.push_back(s);
  } else {
    std::string s = "measured demand is " + num(demand) + " CPUs at p95, which " + have +
                    " could hold at " + pct(target) +
                    " in total, but no placement with the moves allowed fits every host's budgets";
    if (!example.empty()) s += "; " + example + " would";
    out.why_not.push_back(s);
  }
  for (size_t h = 0; h < rooms.size(); ++h) {
    if (!detail::fits(rooms[h], before[h])) out.why_not.push_back(host_need(rooms[h], before[h]));
  }
  // Kept services that block the only fits: search again as if they could move.
  bool kept = false;
  std::vector<Item> free_items = items;
  for (Item& it : free_items) {
    if (it.home >= 0 && !it.movable) {
      kept = true;
      it.movable = true;
    }
  }
  if (kept) {
    const detail::Found loose = detail::search(rooms, free_items, detail::Effort::quick);
    if (loose.fits) {
      for (size_t k = 0; k < items.size(); ++k) {
        if (items[k].movable || items[k].home < 0 || loose.placement[k] == items[k].home) continue;
        out.why_not.push_back("a placement would fit if " + items[k].name + " moved from " +
                              rooms[items[k].home].name + " to " + rooms[loose.placement[k]].name +
                              ", but " + items[k].name +
                              " stays: " + services[order[k]].stays_because);
      }
    }
  }
  return out;
}

}  // namespace swarmform::advise
