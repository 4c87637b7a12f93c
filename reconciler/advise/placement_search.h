#pragma once
// The search behind advise::place (placement.h): hosts and services reduced
// to integers, a host's fit judged exactly as model::HostLoad judges it (plus
// the measured-load check), and two ways to find the fewest moves: an exact
// iterative deepening for small inputs and a greedy heuristic for large ones.
// Internal to the advise module.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace swarmform::advise::detail {

/// One host, in integers.
struct Room {
  std::string name;
  int64_t cpu_nano = 0;
  int64_t memory_bytes = 0;
  int64_t cpu_budget = 0;     ///< billionths
  int64_t memory_budget = 0;  ///< billionths
  int64_t target_nano = 0;    ///< target utilization in billionths
};

/// The five figures a host is judged on.
enum Dim { kCpuLimits, kMemoryLimits, kCpuReservations, kMemoryReservations, kCpuP95, kDims };

/// One service, in integers: totals over its tasks (saturating, as
/// HostLoad::add counts them), measured p95 in nano-CPUs.
struct Item {
  std::string name;
  int home = -1;  ///< index into the rooms; -1: not on any of them (counts nowhere, never moves)
  bool movable = false;
  std::array<int64_t, kDims> need{};
};

/// Sums over services: 128 bits hold any number of int64 figures we could be given.
__extension__ using i128 = __int128;
using Sums = std::array<i128, kDims>;

/// Whether `sums` fit `room`: limits within capacity x budget, reservations
/// within capacity, p95 within capacity x target.  A sum at or past the int64
/// range never fits (HostLoad's saturated total).
bool fits(const Room& room, const Sums& sums);
/// The same judgement for one of the five figures.
bool dim_fits(const Room& room, const Sums& sums, int d);

/// How far `sums` are over `room`, summed over the five figures as fractions
/// of what is allowed (0 when it fits): the heuristic's measure.
double overload(const Room& room, const Sums& sums);

/// The fewest-move placement found: the host index of every item (its home
/// when it does not move).  `fits` false: none found (placement = homes).
struct Found {
  bool fits = false;
  bool exact = false;  ///< proven to have the fewest moves
  std::vector<int> placement;
};

/// Searches for a placement of `items` on `rooms` where every room fits,
/// moving only movable items, with the fewest moves.  Exact (iterative
/// deepening over the move count, every placement with k moves tried before
/// any with k+1) when rooms^movable is small (<= kExactSpace) or the exact
/// search ends within kNodeBudget nodes; otherwise the heuristic of
/// placement_search.cc, which is not guaranteed minimal.  Among placements
/// with the same number of moves the one whose busiest host (p95 over
/// capacity) is least busy wins; remaining ties go to the first in the order
/// of service names, then host names.  Deterministic: depends only on the
/// order of `rooms` and `items`, which the caller sorts by name.
/// `Effort::quick` is exact only up to kQuickExactSpace, the heuristic beyond
/// (for the what-if searches behind why_not, which run several times).
enum class Effort { full, quick };
Found search(const std::vector<Room>& rooms, const std::vector<Item>& items,
             Effort effort = Effort::full);

/// rooms^movable up to which the search is always exact (10 services x 3
/// hosts is 59,049).
inline constexpr double kExactSpace = 200'000;
/// The same for Effort::quick.
inline constexpr double kQuickExactSpace = 5'000;
/// Nodes an exact attempt may visit beyond kExactSpace before the heuristic.
inline constexpr int64_t kNodeBudget = 50'000;

}  // namespace swarmform::advise::detail
