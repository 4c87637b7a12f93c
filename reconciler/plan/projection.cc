#include "reconciler/plan/projection.h"

#include "reconciler/model/quantity.h"
#include "reconciler/plan/wording.h"

namespace swarmform::plan {
namespace {

using model::format_cpus;
using model::format_memory;
using model::format_ratio;

model::HostLoad load_of(const std::string& host_name, const model::Host& host,
                        const model::DesiredState& desired, const Topology& topology,
                        const std::vector<Placed>& services) {
  model::HostLoad load;
  load.host = host_name;
  load.capacity = host.capacity;
  load.cpu_budget = desired.cpu_budget(host);
  load.memory_budget = desired.memory_budget(host);
  for (const auto& p : services) {
    auto tasks = topology.tasks_by_host(p.service);
    auto it = tasks.find(host_name);
    if (it == tasks.end()) continue;
    load.add(p.label, it->second, p.service.limits, p.service.reservations);
  }
  return load;
}

std::string largest(const model::HostLoad& load, bool cpu) {
  std::vector<std::string> parts;
  for (const model::ServiceLoad* s : load.largest(cpu, 3)) {
    parts.push_back(
        s->service + " " +
        (cpu ? format_cpus(s->limits.nano_cpus) : format_memory(s->limits.memory_bytes)));
  }
  return parts.empty() ? "" : "; largest: " + join(parts);
}

/// "now 2.38x" or "now 0.88x, within budget".
std::string before_text(int64_t amount, int64_t capacity, bool fitted) {
  return " (now " + format_ratio(amount, capacity) +
         (fitted ? ", within budget)" : ", already over)");
}

}  // namespace

std::vector<HostProjection> project_hosts(const model::DesiredState& desired,
                                          const Topology& topology, const std::vector<Placed>& now,
                                          const std::vector<Placed>& then) {
  std::vector<HostProjection> out;
  for (const auto& [name, host] : desired.hosts) {
    HostProjection p;
    p.host = name;
    p.node = host.node;
    p.before = load_of(name, host, desired, topology, now);
    p.after = load_of(name, host, desired, topology, then);
    if (const model::LiveNode* n = topology.node(host.node)) {
      p.real = model::Capacity{n->nano_cpus, n->memory_bytes};
      p.capacity_matches = capacity_matches(host.capacity, *p.real);
    }
    out.push_back(std::move(p));
  }
  return out;
}

bool capacity_matches(const model::Capacity& declared, const model::Capacity& real) {
  return declared.nano_cpus == real.nano_cpus &&
         model::within_percent(declared.memory_bytes, real.memory_bytes, kMemoryTolerancePercent);
}

void check_capacity(const std::vector<HostProjection>& hosts, std::vector<Finding>& findings) {
  for (const auto& h : hosts) {
    const model::HostLoad& a = h.after;
    const model::HostLoad& b = h.before;
    const std::string subject = "host " + h.host;
    if (!a.cpu_limits_fit()) {
      findings.push_back(
          {model::Severity::error, subject,
           "after this plan CPU limits add up to " + format_cpus(a.limits.nano_cpus) + " CPUs on " +
               format_cpus(a.capacity.nano_cpus) + " CPUs (" +
               format_ratio(a.limits.nano_cpus, a.capacity.nano_cpus) + "), over its budget of " +
               format_cpus(a.cpu_budget) + "x" +
               before_text(b.limits.nano_cpus, b.capacity.nano_cpus, b.cpu_limits_fit()) +
               largest(a, true)});
    }
    if (!a.memory_limits_fit()) {
      findings.push_back(
          {model::Severity::error, subject,
           "after this plan memory limits add up to " + format_memory(a.limits.memory_bytes) +
               " on " + format_memory(a.capacity.memory_bytes) + " (" +
               format_ratio(a.limits.memory_bytes, a.capacity.memory_bytes) +
               "), over its budget of " + format_cpus(a.memory_budget) + "x" +
               before_text(b.limits.memory_bytes, b.capacity.memory_bytes, b.memory_limits_fit()) +
               largest(a, false)});
    }
    if (!a.cpu_reservations_fit()) {
      findings.push_back({model::Severity::error, subject,
                          "after this plan CPU reservations add up to " +
                              format_cpus(a.reservations.nano_cpus) + " CPUs on " +
                              format_cpus(a.capacity.nano_cpus) +
                              " CPUs: Swarm could not schedule all of these tasks"});
    }
    if (!a.memory_reservations_fit()) {
      findings.push_back({model::Severity::error, subject,
                          "after this plan memory reservations add up to " +
                              format_memory(a.reservations.memory_bytes) + " on " +
                              format_memory(a.capacity.memory_bytes) +
                              ": Swarm could not schedule all of these tasks"});
    }
    if (h.real && !h.capacity_matches) {
      findings.push_back({model::Severity::warning, subject,
                          "declares " + format_cpus(a.capacity.nano_cpus) + " CPUs and " +
                              format_memory(a.capacity.memory_bytes) + ", but node '" + h.node +
                              "' reports " + format_cpus(h.real->nano_cpus) + " CPUs and " +
                              approx_memory(h.real->memory_bytes) +
                              "; budgets are counted on the declared capacity"});
    }
  }
}

}  // namespace swarmform::plan
