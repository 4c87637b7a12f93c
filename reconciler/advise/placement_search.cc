#include "reconciler/advise/placement_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "reconciler/model/quantity.h"

namespace swarmform::advise::detail {
namespace {

constexpr i128 kCountable = std::numeric_limits<int64_t>::max();  // HostLoad's kSaturated
constexpr double kHopeless = 1e12;  // a fraction standing for "cannot fit at all"

/// What `room` allows of dimension `d`, as a fraction's denominator.
long double allowed(const Room& room, int d) {
  const long double nano = 1e9L;
  switch (d) {
    case kCpuLimits:
      return static_cast<long double>(room.cpu_nano) * room.cpu_budget / nano;
    case kMemoryLimits:
      return static_cast<long double>(room.memory_bytes) * room.memory_budget / nano;
    case kCpuReservations:
      return static_cast<long double>(room.cpu_nano);
    case kMemoryReservations:
      return static_cast<long double>(room.memory_bytes);
    default:
      return static_cast<long double>(room.cpu_nano) * room.target_nano / nano;
  }
}

/// used / allowed of one dimension (kHopeless when nothing is allowed but
/// something is used, or the sum is past counting).
double fraction(const Room& room, const Sums& sums, int d) {
  if (sums[d] <= 0) return 0;
  if (sums[d] >= kCountable) return kHopeless;
  const long double a = allowed(room, d);
  if (a <= 0) return kHopeless;
  return static_cast<double>(
      std::min(static_cast<long double>(sums[d]) / a, static_cast<long double>(kHopeless)));
}

/// The fullest dimension of a host, as a fraction of what it allows.
double fullness(const Room& room, const Sums& sums) {
  double worst = 0;
  for (int d = 0; d < kDims; ++d) worst = std::max(worst, fraction(room, sums, d));
  return worst;
}

/// p95 over capacity, the tie-breaker among placements with as many moves.
double busy(const Room& room, const Sums& sums) {
  if (sums[kCpuP95] <= 0) return 0;
  if (room.cpu_nano <= 0) return kHopeless;
  return static_cast<double>(sums[kCpuP95]) / static_cast<double>(room.cpu_nano);
}

class State {
 public:
  State(const std::vector<Room>& rooms, const std::vector<Item>& items)
      : rooms_(rooms),
        items_(items),
        at_(items.size(), -1),
        sums_(rooms.size(), Sums{}),
        over_(rooms.size(), false) {
    for (size_t i = 0; i < items.size(); ++i) {
      at_[i] = items[i].home;
      if (at_[i] < 0) continue;
      for (int d = 0; d < kDims; ++d) sums_[at_[i]][d] += items[i].need[d];
    }
    for (size_t h = 0; h < rooms.size(); ++h) refresh(static_cast<int>(h));
  }

  void move(size_t i, int to) {
    const int from = at_[i];
    for (int d = 0; d < kDims; ++d) {
      sums_[from][d] -= items_[i].need[d];
      sums_[to][d] += items_[i].need[d];
    }
    at_[i] = to;
    refresh(from);
    refresh(to);
  }

  [[nodiscard]] int over_count() const { return over_count_; }
  [[nodiscard]] bool over(int h) const { return over_[h]; }
  [[nodiscard]] int at(size_t i) const { return at_[i]; }
  [[nodiscard]] const std::vector<int>& placement() const { return at_; }
  [[nodiscard]] const Sums& sums(int h) const { return sums_[h]; }

  /// The busiest host's p95 over capacity.
  [[nodiscard]] double busiest() const {
    double worst = 0;
    for (size_t h = 0; h < rooms_.size(); ++h) worst = std::max(worst, busy(rooms_[h], sums_[h]));
    return worst;
  }

 private:
  void refresh(int h) {
    const bool now = !fits(rooms_[h], sums_[h]);
    if (now != over_[h]) over_count_ += now ? 1 : -1;
    over_[h] = now;
  }

  const std::vector<Room>& rooms_;
  const std::vector<Item>& items_;
  std::vector<int> at_;
  std::vector<Sums> sums_;
  std::vector<bool> over_;
  int over_count_ = 0;
};

/// Iterative deepening over the number of moves.  A move only adds to its
/// destination, so every host over its budgets needs at least one of its own
/// services moved away: more over hosts than moves left, or an over host
/// with none of its movable services left to decide, ends a branch.
class Exact {
 public:
  Exact(const std::vector<Room>& rooms, const std::vector<Item>& items, int64_t budget)
      : rooms_(rooms), items_(items), state_(rooms, items), budget_(budget) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i].movable && items[i].home >= 0) movable_.push_back(i);
    }
    by_name_.resize(rooms.size());
    std::iota(by_name_.begin(), by_name_.end(), 0);
    std::stable_sort(by_name_.begin(), by_name_.end(),
                     [&](int a, int b) { return rooms[a].name < rooms[b].name; });
    // left_on_[pos][h]: movable services at positions >= pos whose home is h
    left_on_.assign(movable_.size() + 1, std::vector<int>(rooms.size(), 0));
    for (size_t pos = movable_.size(); pos-- > 0;) {
      left_on_[pos] = left_on_[pos + 1];
      ++left_on_[pos][items[movable_[pos]].home];
    }
  }

  /// Found.fits with the fewest moves; nullopt-like (exact false) when the
  /// node budget ran out first.
  Found run() {
    Found out;
    for (size_t k = 0; k <= movable_.size(); ++k) {
      have_ = false;
      dfs(0, static_cast<int>(k));
      if (aborted_) return out;
      if (have_) {
        out.fits = true;
        out.exact = true;
        out.placement = best_;
        return out;
      }
    }
    out.exact = true;  // proven: no placement fits
    for (size_t i = 0; i < items_.size(); ++i) out.placement.push_back(items_[i].home);
    return out;
  }

 private:
  void dfs(size_t pos, int left) {
    if (aborted_) return;
    if (budget_ > 0 && ++nodes_ > budget_) {
      aborted_ = true;
      return;
    }
    if (state_.over_count() > left) return;
    if (left == 0) {
      if (state_.over_count() == 0) leaf();
      return;
    }
    if (movable_.size() - pos < static_cast<size_t>(left)) return;
    for (size_t h = 0; h < rooms_.size(); ++h) {
      if (state_.over(static_cast<int>(h)) && left_on_[pos][h] == 0) return;
    }
    const size_t i = movable_[pos];
    const int home = items_[i].home;
    for (int h : by_name_) {
      if (h == home) continue;
      state_.move(i, h);
      dfs(pos + 1, left - 1);
      state_.move(i, home);
    }
    dfs(pos + 1, left);
  }

  void leaf() {
    const double score = state_.busiest();
    if (have_ && !(score < best_score_)) return;
    have_ = true;
    best_score_ = score;
    best_ = state_.placement();
  }

  const std::vector<Room>& rooms_;
  const std::vector<Item>& items_;
  State state_;
  int64_t budget_;  // 0: unlimited
  int64_t nodes_ = 0;
  bool aborted_ = false;
  std::vector<size_t> movable_;
  std::vector<int> by_name_;
  std::vector<std::vector<int>> left_on_;
  bool have_ = false;
  double best_score_ = 0;
  std::vector<int> best_;
};

/// The heuristic for inputs too large to search exactly; NOT guaranteed to
/// find the fewest moves, nor a placement whenever one exists.
///  1. While some host is over: take the most overloaded host (overload():
///     how far past what it allows, summed over the five figures; ties by
///     name) and, among its services not moved yet and the other hosts that
///     still fit with it added, move the one that leaves the host least
///     overloaded, to the host that is then least full (ties: service name,
///     host name).  When the most overloaded host has no such move, try the
///     next; when none has, give up (no fit).
///  2. Then undo what was not needed: move each moved service back home (by
///     name) when every host still fits without its move; repeat until no
///     undo is possible.
Found heuristic(const std::vector<Room>& rooms, const std::vector<Item>& items) {
  State state(rooms, items);
  std::vector<bool> moved(items.size(), false);
  std::vector<std::vector<size_t>> on(rooms.size());  // movable services by home
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].movable && items[i].home >= 0) on[items[i].home].push_back(i);
  }
  std::vector<int> by_name(rooms.size());
  std::iota(by_name.begin(), by_name.end(), 0);
  std::stable_sort(by_name.begin(), by_name.end(),
                   [&](int a, int b) { return rooms[a].name < rooms[b].name; });

  while (state.over_count() > 0) {
    std::vector<int> over;
    for (int h : by_name) {
      if (state.over(h)) over.push_back(h);
    }
    std::stable_sort(over.begin(), over.end(), [&](int a, int b) {
      return overload(rooms[a], state.sums(a)) > overload(rooms[b], state.sums(b));
    });
    bool moved_one = false;
    for (int src : over) {
      bool have = false;
      double best_left = 0;
      double best_full = 0;
      size_t best_i = 0;
      int best_dst = -1;
      for (size_t i : on[src]) {
        if (moved[i]) continue;
        Sums rest = state.sums(src);
        for (int d = 0; d < kDims; ++d) rest[d] -= items[i].need[d];
        const double left = overload(rooms[src], rest);
        for (int dst : by_name) {
          if (dst == src) continue;
          Sums with = state.sums(dst);
          for (int d = 0; d < kDims; ++d) with[d] += items[i].need[d];
          if (!fits(rooms[dst], with)) continue;
          const double full = fullness(rooms[dst], with);
          // candidates come by name (items sorted), hosts by name: strict < keeps the first
          if (!have || left < best_left || (left == best_left && full < best_full)) {
            have = true;
            best_left = left;
            best_full = full;
            best_i = i;
            best_dst = dst;
          }
        }
      }
      if (have) {
        state.move(best_i, best_dst);
        moved[best_i] = true;
        moved_one = true;
        break;
      }
    }
    if (!moved_one) break;
  }
  Found out;
  if (state.over_count() > 0) {
    // Built by push_back, not resize(): GCC 12 at -O3 reports a null
    // dereference it imagines inside vector<int>::resize here.
    out.placement.reserve(items.size());
    for (const auto& item : items) out.placement.push_back(item.home);
    return out;
  }
  for (bool undone = true; undone;) {
    undone = false;
    for (size_t i = 0; i < items.size(); ++i) {
      if (!moved[i]) continue;
      const int there = state.at(i);
      state.move(i, items[i].home);
      if (state.over_count() == 0) {
        moved[i] = false;
        undone = true;
      } else {
        state.move(i, there);
      }
    }
  }
  out.fits = true;
  out.placement = state.placement();
  return out;
}

}  // namespace

bool dim_fits(const Room& room, const Sums& s, int d) {
  if (s[d] >= kCountable) return false;
  const auto v = static_cast<int64_t>(s[d]);
  switch (d) {
    case kCpuLimits:
      return model::within_budget(v, room.cpu_nano, room.cpu_budget);
    case kMemoryLimits:
      return model::within_budget(v, room.memory_bytes, room.memory_budget);
    case kCpuReservations:
      return v <= room.cpu_nano;
    case kMemoryReservations:
      return v <= room.memory_bytes;
    default:
      return model::within_budget(v, room.cpu_nano, room.target_nano);
  }
}

bool fits(const Room& room, const Sums& s) {
  for (int d = 0; d < kDims; ++d) {
    if (!dim_fits(room, s, d)) return false;
  }
  return true;
}

double overload(const Room& room, const Sums& sums) {
  double over = 0;
  for (int d = 0; d < kDims; ++d) over += std::max(0.0, fraction(room, sums, d) - 1.0);
  // fits() is exact, fraction() is not: a host that does not fit is never 0
  if (over == 0 && !fits(room, sums)) over = 1e-12;
  return over;
}

Found search(const std::vector<Room>& rooms, const std::vector<Item>& items, Effort effort) {
  double space = 1;
  for (const Item& item : items) {
    if (item.movable && item.home >= 0) space *= static_cast<double>(rooms.size());
    if (space > std::max(kExactSpace, kQuickExactSpace)) break;  // enough to decide
  }
  if (effort == Effort::quick)
    return space <= kQuickExactSpace ? Exact(rooms, items, 0).run() : heuristic(rooms, items);
  if (space <= kExactSpace) return Exact(rooms, items, 0).run();
  Found exact = Exact(rooms, items, kNodeBudget).run();
  if (exact.exact) return exact;
  return heuristic(rooms, items);
}

}  // namespace swarmform::advise::detail
