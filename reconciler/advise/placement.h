#pragma once
// Which host each service should run on so that every host's budgets and
// measured load fit, with the fewest moves (each move restarts tasks): a
// pure function (issue 15).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace swarmform::advise {

/// A host and its budgets, as the desired state declares them.
struct HostRoom {
  std::string name;
  int64_t cpu_nano = 0;  ///< capacity
  int64_t memory_bytes = 0;
  int64_t cpu_budget = 1'000'000'000;  ///< billionths: limits may use capacity x budget
  int64_t memory_budget = 1'000'000'000;
};

/// One service to place, with the (advised) per-task values.
struct Candidate {
  std::string service;
  std::string host;  ///< where it is declared now
  uint64_t tasks = 1;
  int64_t cpu_limit_nano = 0;  ///< per task; 0 = none (counts nothing, as validate)
  int64_t memory_limit_bytes = 0;
  int64_t cpu_reservation_nano = 0;
  int64_t memory_reservation_bytes = 0;
  double cpu_p95 = 0;  ///< cores, all its tasks together
  /// Why it may not move ("--keep", "it has local data (volumes); allow_data_move: true lets it
  /// move"); empty when it may.
  std::string stays_because;
};

/// A host's totals under one placement, with the room they are judged
/// against (the HostRoom's, --what-if included) so a reader can print ratios.
struct HostTotals {
  std::string name;
  int64_t cpu_nano = 0;  ///< capacity, as HostRoom
  int64_t memory_bytes = 0;
  int64_t cpu_budget = 1'000'000'000;  ///< billionths, as HostRoom
  int64_t memory_budget = 1'000'000'000;
  int64_t cpu_limits_nano = 0;
  int64_t memory_limits_bytes = 0;
  int64_t cpu_reservations_nano = 0;
  int64_t memory_reservations_bytes = 0;
  double cpu_p95 = 0;
  bool fits = false;
};

struct Move {
  std::string service;
  std::string from;
  std::string to;
  std::string reason;  ///< why, and what it frees on `from`
};

struct Placement {
  bool fits = false;
  /// Every candidate, moved or not.  When nothing fits: the current
  /// placement (a placement that does not fit is no advice to apply).
  std::map<std::string, std::string> host_of;
  /// The fewest found, by service name; empty when nothing fits.  Exact
  /// (no placement with fewer moves fits) for small inputs: hosts^movable
  /// services up to 200,000 (10 services x 3 hosts is 59,049), or when the
  /// exact search ends within its node budget; beyond, a heuristic that is
  /// not guaranteed minimal (placement_search.cc).
  std::vector<Move> moves;
  std::vector<HostTotals> before;  ///< hosts' order
  std::vector<HostTotals> after;   ///< hosts' order; equals `before` when nothing fits
  /// When nothing fits: sentences with the smallest capacity that would:
  /// in total ("measured demand is 9.6 CPUs at p95; 4 + 2 CPUs cannot hold
  /// it at 80%; 12 CPUs in total could (e.g. kvm4 with 10 CPUs, the other
  /// hosts as they are)"), per host that does not fit now (the CPUs it would
  /// need: the most of limits / budget, reservations, p95 / target; memory
  /// when short), and each kept service whose move would make it fit.
  std::vector<std::string> why_not;
  double demand_p95_cpus = 0;  ///< Σ cpu_p95 of the candidates on `hosts`
  /// demand / target: a lower bound on the total capacity that could hold it
  double smallest_total_cpus = 0;
};

/// A host fits when Σ limits x tasks <= capacity x budget (CPU and memory),
/// Σ reservations x tasks <= capacity (as model::HostLoad judges both, so
/// `validate` agrees), and Σ cpu_p95 <= capacity x target_utilization (p95
/// counted in nano-CPUs rounded to the nearest, the target in billionths:
/// exact arithmetic).  Only candidates with an empty stays_because move; a
/// candidate whose host is not among `hosts` counts on none and never moves.
/// Among placements with the fewest moves, the one whose busiest host (p95
/// over capacity) is least busy; then by name.  Deterministic for the same
/// input, whatever the order of `services`.  Negative figures count 0.
/// REQUIRES: service names unique.
Placement place(const std::vector<HostRoom>& hosts, const std::vector<Candidate>& services,
                double target_utilization);

}  // namespace swarmform::advise
