#include "reconciler/model/capacity.h"

#include <algorithm>
#include <map>
#include <string_view>

#include "reconciler/model/quantity.h"

namespace swarmform::model {

void HostLoad::add(const std::string& service, uint64_t tasks, const Resources& per_task_limits,
                   const Resources& per_task_reservations) {
  // Checked arithmetic (quantity.h): totals saturate instead of wrapping, and
  // a saturated total never fits a budget.
  ServiceLoad s;
  s.service = service;
  s.tasks = tasks;
  s.limits = {saturating_mul(per_task_limits.nano_cpus, tasks), saturating_mul(per_task_limits.memory_bytes, tasks)};
  s.reservations = {saturating_mul(per_task_reservations.nano_cpus, tasks),
                    saturating_mul(per_task_reservations.memory_bytes, tasks)};
  s.cpu_limit_missing = per_task_limits.nano_cpus == 0;
  s.memory_limit_missing = per_task_limits.memory_bytes == 0;
  limits.nano_cpus = saturating_add(limits.nano_cpus, s.limits.nano_cpus);
  limits.memory_bytes = saturating_add(limits.memory_bytes, s.limits.memory_bytes);
  reservations.nano_cpus = saturating_add(reservations.nano_cpus, s.reservations.nano_cpus);
  reservations.memory_bytes = saturating_add(reservations.memory_bytes, s.reservations.memory_bytes);
  services.push_back(std::move(s));
}

bool HostLoad::cpu_limits_fit() const { return within_budget(limits.nano_cpus, capacity.nano_cpus, cpu_budget); }
bool HostLoad::memory_limits_fit() const {
  return within_budget(limits.memory_bytes, capacity.memory_bytes, memory_budget);
}
bool HostLoad::cpu_reservations_fit() const {
  return reservations.nano_cpus != kSaturated && reservations.nano_cpus <= capacity.nano_cpus;
}
bool HostLoad::memory_reservations_fit() const {
  return reservations.memory_bytes != kSaturated && reservations.memory_bytes <= capacity.memory_bytes;
}

std::vector<const ServiceLoad*> HostLoad::largest(bool cpu, size_t n) const {
  std::vector<const ServiceLoad*> out;
  for (const auto& s : services) {
    if ((cpu ? s.limits.nano_cpus : s.limits.memory_bytes) > 0) out.push_back(&s);
  }
  std::stable_sort(out.begin(), out.end(), [cpu](const ServiceLoad* a, const ServiceLoad* b) {
    return cpu ? a->limits.nano_cpus > b->limits.nano_cpus : a->limits.memory_bytes > b->limits.memory_bytes;
  });
  if (out.size() > n) out.resize(n);
  return out;
}

std::vector<HostLoad> desired_host_loads(const DesiredState& state) {
  std::vector<HostLoad> loads;
  loads.reserve(state.hosts.size());
  std::map<std::string_view, HostLoad*> by_host;  // one pass over the services, not one per host
  for (const auto& [name, host] : state.hosts) {
    HostLoad& load = loads.emplace_back();
    load.host = name;
    load.capacity = host.capacity;
    load.cpu_budget = state.cpu_budget(host);
    load.memory_budget = state.memory_budget(host);
  }
  for (HostLoad& load : loads) by_host.emplace(load.host, &load);
  for (const auto& [service_name, s] : state.services) {
    const Resources limits{s.limits.nano_cpus.value_or(0), s.limits.memory_bytes.value_or(0)};
    const Resources reservations{s.reservations.nano_cpus.value_or(0), s.reservations.memory_bytes.value_or(0)};
    if (s.host.empty()) {
      // Not pinned: a global service runs one task on every node; any other
      // goes where the swarm puts it, on no host in particular.
      if (!runs_on_every_node(s)) continue;
      for (HostLoad& load : loads) load.add(service_name, 1, limits, reservations);
      continue;
    }
    auto it = by_host.find(s.host);
    if (it == by_host.end()) continue;
    it->second->add(service_name, s.mode == ServiceMode::replicated ? s.replicas.value_or(1) : 1, limits,
                    reservations);
  }
  return loads;
}

bool runs_on_every_node(const Service& s) {
  return s.host.empty() && (s.mode == ServiceMode::global || s.mode == ServiceMode::global_job);
}

std::vector<std::string> uncounted_services(const DesiredState& state) {
  std::vector<std::string> out;
  for (const auto& [name, s] : state.services) {
    if (s.host.empty() && !runs_on_every_node(s)) out.push_back(name);
  }
  return out;
}

std::vector<HostLoad> live_node_loads(const LiveState& live) {
  std::vector<const LiveNode*> nodes;
  for (const auto& n : live.nodes) nodes.push_back(&n);
  std::sort(nodes.begin(), nodes.end(), [](auto* a, auto* b) { return a->hostname < b->hostname; });
  // tasks per (node id, service id)
  std::map<std::pair<std::string, std::string>, uint64_t> running;
  for (const auto& t : live.tasks) {
    if (t.desired_state == "running") ++running[{t.node_id, t.service_id}];
  }
  std::vector<HostLoad> loads;
  for (const LiveNode* n : nodes) {
    HostLoad load;
    load.host = n->hostname;
    load.capacity = {n->nano_cpus, n->memory_bytes};
    for (const auto& s : live.services) {
      auto it = running.find({n->id, s.id});
      if (it != running.end()) load.add(s.name, it->second, s.limits, s.reservations);
    }
    loads.push_back(std::move(load));
  }
  return loads;
}

}  // namespace swarmform::model
