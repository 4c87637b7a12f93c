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
  int64_t cpu_nano = 0;             ///< capacity
  int64_t memory_bytes = 0;
  int64_t cpu_budget = 1'000'000'000;     ///< billionths: limits may use capacity x budget
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
  double cpu_p95 = 0;          ///< cores, all its tasks together
  /// Why it may not move ("--keep", "it has local data (volumes); allow_data_move: true lets it move");
  /// empty when it may.
  std::string stays_because;
};

/// A host's totals under one placement.
struct HostTotals {
  std::string name;
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
  std::map<std::string, std::string> host_of;  ///< every candidate, moved or not
  std::vector<Move> moves;                     ///< the fewest found (exact for small inputs)
  std::vector<HostTotals> before;              ///< hosts' order
  std::vector<HostTotals> after;
  /// When nothing fits: sentences with the smallest capacity that would
  /// ("measured demand is 9.6 CPUs at p95; 4 + 2 CPUs cannot hold it at 80%;
  /// an 8-CPU kvm4 could").
  std::vector<std::string> why_not;
  double demand_p95_cpus = 0;      ///< Σ cpu_p95
  double smallest_total_cpus = 0;  ///< the least total capacity that could hold the demand
};

/// A host fits when Σ limits x tasks <= capacity x budget (CPU and memory),
/// Σ reservations x tasks <= capacity, and Σ cpu_p95 <= capacity x
/// target_utilization.  Deterministic for the same input.
Placement place(const std::vector<HostRoom>& hosts, const std::vector<Candidate>& services,
                double target_utilization);

}  // namespace swarmform::advise
