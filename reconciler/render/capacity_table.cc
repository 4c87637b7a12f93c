#include "reconciler/render/capacity_table.h"

#include "reconciler/model/quantity.h"
#include "reconciler/render/table.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::render {

using model::format_cpus;
using model::format_memory;
using model::memory_readable;
using model::format_ratio;

std::string budget_verdict(const model::HostLoad& l) {
  std::string over;
  auto add = [&over](const std::string& s) { over += (over.empty() ? "" : ", ") + s; };
  if (!l.cpu_limits_fit()) {
    add("cpu limits " + format_ratio(l.limits.nano_cpus, l.capacity.nano_cpus) + " > budget " +
        format_cpus(l.cpu_budget) + "x");
  }
  if (!l.memory_limits_fit()) {
    add("memory limits " + format_ratio(l.limits.memory_bytes, l.capacity.memory_bytes) + " > budget " +
        format_cpus(l.memory_budget) + "x");
  }
  if (!l.cpu_reservations_fit()) add("cpu reservations exceed capacity");
  if (!l.memory_reservations_fit()) add("memory reservations exceed capacity");
  return over.empty() ? "ok" : "OVER: " + over;
}

std::string capacity_table(const std::vector<model::HostLoad>& loads, const Style& style) {
  Table t({"HOST", "CPUS", "MEMORY", "CPU LIMITS", "CPU RESERVED", "MEMORY LIMITS", "MEMORY RESERVED", "BUDGET"});
  for (const auto& l : loads) {
    auto cell = [](const std::string& amount, int64_t n, int64_t d) {
      return amount + " (" + format_ratio(n, d) + ")";
    };
    std::string verdict = budget_verdict(l);
    t.add({printable(l.host), format_cpus(l.capacity.nano_cpus), memory_readable(l.capacity.memory_bytes),
           cell(format_cpus(l.limits.nano_cpus), l.limits.nano_cpus, l.capacity.nano_cpus),
           cell(format_cpus(l.reservations.nano_cpus), l.reservations.nano_cpus, l.capacity.nano_cpus),
           cell(memory_readable(l.limits.memory_bytes), l.limits.memory_bytes, l.capacity.memory_bytes),
           cell(memory_readable(l.reservations.memory_bytes), l.reservations.memory_bytes, l.capacity.memory_bytes),
           verdict == "ok" ? style.green(verdict) : style.red(verdict)});
  }
  return t.str("  ");
}

nlohmann::json capacity_json(const model::HostLoad& l) {
  auto pair = [](int64_t cpus, int64_t memory) {
    return nlohmann::json{{"nano_cpus", cpus}, {"cpus", format_cpus(cpus)}, {"memory_bytes", memory},
                          {"memory", format_memory(memory)}};
  };
  nlohmann::json services = nlohmann::json::array();
  for (const auto& s : l.services) {
    services.push_back({{"service", s.service},
                        {"tasks", s.tasks},
                        {"limits", pair(s.limits.nano_cpus, s.limits.memory_bytes)},
                        {"reservations", pair(s.reservations.nano_cpus, s.reservations.memory_bytes)},
                        {"cpu_limit_missing", s.cpu_limit_missing},
                        {"memory_limit_missing", s.memory_limit_missing}});
  }
  return {{"host", l.host},
          {"capacity", pair(l.capacity.nano_cpus, l.capacity.memory_bytes)},
          {"limits", pair(l.limits.nano_cpus, l.limits.memory_bytes)},
          {"reservations", pair(l.reservations.nano_cpus, l.reservations.memory_bytes)},
          {"cpu_limit_ratio", format_ratio(l.limits.nano_cpus, l.capacity.nano_cpus)},
          {"memory_limit_ratio", format_ratio(l.limits.memory_bytes, l.capacity.memory_bytes)},
          {"cpu_budget", format_cpus(l.cpu_budget)},
          {"memory_budget", format_cpus(l.memory_budget)},
          {"within_budget", l.fits()},
          {"verdict", budget_verdict(l)},
          {"services", services}};
}

}  // namespace swarmform::render
