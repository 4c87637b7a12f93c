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
    // A breach this plan causes or adds to blocks it (error).  One the swarm
    // is already in and this plan leaves as it is, or lessens, is a warning:
    // the plan of a swarm as it runs (right after `import`) is empty, and a
    // plan that moves load off an overloaded host is not blocked by it.
    auto breach = [&](bool fits_after, bool fits_before, int64_t after, int64_t before, const std::string& added,
                      const std::string& kept) {
      if (fits_after) return;
      if (fits_before || after > before) findings.push_back({model::Severity::error, subject, added});
      else findings.push_back({model::Severity::warning, subject, kept});
    };
    breach(a.cpu_limits_fit(), b.cpu_limits_fit(), a.limits.nano_cpus, b.limits.nano_cpus,
           "after this plan CPU limits add up to " + format_cpus(a.limits.nano_cpus) + " CPUs on " +
               format_cpus(a.capacity.nano_cpus) + " CPUs (" + format_ratio(a.limits.nano_cpus, a.capacity.nano_cpus) +
               "), over its budget of " + format_cpus(a.cpu_budget) + "x" +
               before_text(b.limits.nano_cpus, b.capacity.nano_cpus, b.cpu_limits_fit()) + largest(a, true),
           "CPU limits add up to " + format_cpus(a.limits.nano_cpus) + " CPUs on " + format_cpus(a.capacity.nano_cpus) +
               " CPUs (" + format_ratio(a.limits.nano_cpus, a.capacity.nano_cpus) + "), over its budget of " +
               format_cpus(a.cpu_budget) + "x; already so, and this plan does not add to it" + largest(a, true));
    breach(a.memory_limits_fit(), b.memory_limits_fit(), a.limits.memory_bytes, b.limits.memory_bytes,
           "after this plan memory limits add up to " + format_memory(a.limits.memory_bytes) + " on " +
               format_memory(a.capacity.memory_bytes) + " (" +
               format_ratio(a.limits.memory_bytes, a.capacity.memory_bytes) + "), over its budget of " +
               format_cpus(a.memory_budget) + "x" +
               before_text(b.limits.memory_bytes, b.capacity.memory_bytes, b.memory_limits_fit()) + largest(a, false),
           "memory limits add up to " + format_memory(a.limits.memory_bytes) + " on " +
               format_memory(a.capacity.memory_bytes) + " (" +
               format_ratio(a.limits.memory_bytes, a.capacity.memory_bytes) + "), over its budget of " +
               format_cpus(a.memory_budget) + "x; already so, and this plan does not add to it" + largest(a, false));
    breach(a.cpu_reservations_fit(), b.cpu_reservations_fit(), a.reservations.nano_cpus, b.reservations.nano_cpus,
           "after this plan CPU reservations add up to " + format_cpus(a.reservations.nano_cpus) + " CPUs on " +
               format_cpus(a.capacity.nano_cpus) + " CPUs: Swarm could not schedule all of these tasks",
           "CPU reservations add up to " + format_cpus(a.reservations.nano_cpus) + " CPUs on " +
               format_cpus(a.capacity.nano_cpus) +
               " CPUs: Swarm cannot schedule all of these tasks; already so, and this plan does not add to it");
    breach(a.memory_reservations_fit(), b.memory_reservations_fit(), a.reservations.memory_bytes,
           b.reservations.memory_bytes,
           "after this plan memory reservations add up to " + format_memory(a.reservations.memory_bytes) + " on " +
               format_memory(a.capacity.memory_bytes) + ": Swarm could not schedule all of these tasks",
           "memory reservations add up to " + format_memory(a.reservations.memory_bytes) + " on " +
               format_memory(a.capacity.memory_bytes) +
               ": Swarm cannot schedule all of these tasks; already so, and this plan does not add to it");
    if (h.real && !h.capacity_matches) {
      std::string exact = exact_memory_when_close(a.capacity.memory_bytes, h.real->memory_bytes);
      if (!exact.empty()) exact = " (" + exact + ")";
      findings.push_back({model::Severity::warning, subject,
                          "declares " + format_cpus(a.capacity.nano_cpus) + " CPUs and " +
                              format_memory(a.capacity.memory_bytes) + ", but node '" + h.node +
                              "' reports " + format_cpus(h.real->nano_cpus) + " CPUs and " +
                              approx_memory(h.real->memory_bytes) + exact +
                              "; budgets are counted on the declared capacity"});
    }
  }
}

}  // namespace swarmform::plan
