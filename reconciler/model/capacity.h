#pragma once
// Budget arithmetic per host: what the services placed on a host commit of
// its CPUs and memory (limit x tasks, reservation x tasks), against its
// capacity.  Shared by `validate` (desired state), `state` (live swarm) and
// `plan` (before/after), so all three count the same way.

#include <string>
#include <vector>

#include "reconciler/model/desired.h"
#include "reconciler/model/live.h"

namespace swarmform::model {

struct ServiceLoad {
  std::string service;
  uint64_t tasks = 0;
  Resources limits;        ///< totals: per-task value x tasks (0 where none)
  Resources reservations;  ///< totals
  bool cpu_limit_missing = false;
  bool memory_limit_missing = false;
};

struct HostLoad {
  std::string host;
  Capacity capacity;
  int64_t cpu_budget = kBudgetOne;     ///< billionths of capacity limits may use
  int64_t memory_budget = kBudgetOne;  ///< billionths
  Resources limits;        ///< sum over services
  Resources reservations;  ///< sum over services
  std::vector<ServiceLoad> services;

  static constexpr int64_t kBudgetOne = 1'000'000'000;

  /// Adds one service's tasks with per-task limits and reservations
  /// (0 = none; a missing limit is flagged, not counted).
  void add(const std::string& service, uint64_t tasks, const Resources& per_task_limits,
           const Resources& per_task_reservations);

  [[nodiscard]] bool cpu_limits_fit() const;
  [[nodiscard]] bool memory_limits_fit() const;
  /// Reservations must fit the real capacity whatever the budget: Swarm
  /// cannot schedule a task whose reservation does not fit.
  [[nodiscard]] bool cpu_reservations_fit() const;
  [[nodiscard]] bool memory_reservations_fit() const;
  [[nodiscard]] bool fits() const {
    return cpu_limits_fit() && memory_limits_fit() && cpu_reservations_fit() && memory_reservations_fit();
  }
  /// The services with the largest CPU (or memory) limit totals, largest first.
  [[nodiscard]] std::vector<const ServiceLoad*> largest(bool cpu, size_t n) const;
};

/// One HostLoad per declared host (sorted by host name), from the desired
/// services.  A service with a host counts on that host: its replicas (one
/// task without `replicas`, and in every other mode).  A global (or
/// global-job) service without a host counts one task on every declared
/// host; any other service without a host counts on none (uncounted_services).
std::vector<HostLoad> desired_host_loads(const DesiredState& state);

/// Whether `s` declares no host and runs one task on every node (global,
/// global-job).
bool runs_on_every_node(const Service& s);

/// The services desired_host_loads counts on no host: no host declared and
/// not global; by name.
std::vector<std::string> uncounted_services(const DesiredState& state);

/// One HostLoad per live node (sorted by hostname; `host` is the hostname),
/// with the node's real CPUs and memory as capacity, counting per service the
/// tasks that run there (`live.tasks` whose desired state is running) at the
/// service's per-task limits and reservations.  Budgets stay at 1.0: the
/// caller sets them from the desired state.
std::vector<HostLoad> live_node_loads(const LiveState& live);

}  // namespace swarmform::model
