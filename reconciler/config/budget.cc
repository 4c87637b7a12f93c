#include "reconciler/config/budget.h"

#include "reconciler/model/quantity.h"

namespace swarmform::config {
namespace {

using model::format_cpus;
using model::format_memory;
using model::format_ratio;

// A total that saturated (model::kSaturated) is at least what it says.
std::string cpus_total(int64_t v) { return (v == model::kSaturated ? "at least " : "") + format_cpus(v); }
std::string memory_total(int64_t v) { return (v == model::kSaturated ? "at least " : "") + format_memory(v); }

std::string budget_text(int64_t budget_nano) { return format_cpus(budget_nano) + "x"; }

std::string contributors(const model::HostLoad& load, bool cpu) {
  std::string out;
  size_t unlimited = 0;
  for (const auto& s : load.services) {
    if (s.tasks > 0 && (cpu ? s.cpu_limit_missing : s.memory_limit_missing)) ++unlimited;
  }
  for (const model::ServiceLoad* s : load.largest(cpu, 3)) {
    out += out.empty() ? "; largest: " : ", ";
    out += s->service + " " + (cpu ? cpus_total(s->limits.nano_cpus) : memory_total(s->limits.memory_bytes));
    if (s->tasks > 1) out += " (" + std::to_string(s->tasks) + " replicas)";
  }
  if (unlimited > 0) {
    out += "; not counted: " + std::to_string(unlimited) + (unlimited == 1 ? " service" : " services") +
           " with no " + (cpu ? "CPU" : "memory") + " limit at all";
  }
  return out;
}

}  // namespace

void check_budgets(const model::DesiredState& state, const std::vector<model::HostLoad>& loads,
                   model::Diagnostics& diags) {
  for (const model::HostLoad& load : loads) {
    const model::Host& host = state.hosts.at(load.host);
    const std::string name = "host '" + load.host + "'";
    if (!load.cpu_limits_fit()) {
      diags.error(host.where, name + ": CPU limits add up to " + cpus_total(load.limits.nano_cpus) + " CPUs on " +
                                  format_cpus(load.capacity.nano_cpus) + " CPUs (" +
                                  format_ratio(load.limits.nano_cpus, load.capacity.nano_cpus) +
                                  "), over its budget of " + budget_text(load.cpu_budget) + contributors(load, true));
    }
    if (!load.memory_limits_fit()) {
      diags.error(host.where, name + ": memory limits add up to " + memory_total(load.limits.memory_bytes) +
                                  " on " + format_memory(load.capacity.memory_bytes) + " (" +
                                  format_ratio(load.limits.memory_bytes, load.capacity.memory_bytes) +
                                  "), over its budget of " + budget_text(load.memory_budget) +
                                  contributors(load, false));
    }
    if (!load.cpu_reservations_fit()) {
      diags.error(host.where, name + ": CPU reservations add up to " + cpus_total(load.reservations.nano_cpus) +
                                  " CPUs on " + format_cpus(load.capacity.nano_cpus) +
                                  " CPUs: Swarm could not schedule all of these tasks");
    }
    if (!load.memory_reservations_fit()) {
      diags.error(host.where, name + ": memory reservations add up to " +
                                  memory_total(load.reservations.memory_bytes) + " on " +
                                  format_memory(load.capacity.memory_bytes) +
                                  ": Swarm could not schedule all of these tasks");
    }
  }
  for (const auto& [name, s] : state.services) {
    std::string missing;
    if (!s.limits.nano_cpus) missing = "CPU";
    if (!s.limits.memory_bytes) missing += missing.empty() ? "memory" : " or memory";
    if (missing.empty()) continue;
    std::string message = "service '" + name + "' has no " + missing +
                          " limit: it may use the whole host (set limits: {cpus: ..., memory: ...})";
    if (state.policy.require_limits) diags.error(s.where, message + " [policy.require_limits]");
    else diags.warning(s.where, message);
  }
  diags.sort();
}

std::string uncounted_note(const model::DesiredState& state) {
  std::vector<std::string> names = model::uncounted_services(state);
  if (names.empty()) return "";
  std::string out = names.size() == 1 ? "1 service is not pinned to a host; its limits are"
                                      : std::to_string(names.size()) + " services are not pinned to a host; their limits are";
  out += " not counted in any host's budget: ";
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

}  // namespace swarmform::config
