// advise --write's edits (advice_edits.h): one adopt::ValueEdit per changed
// value, written as `import --update` writes values (model::format_cpus,
// model::format_memory), which the loader reads back exactly.

#include "reconciler/advise/advice_edits.h"

#include <optional>

#include "reconciler/model/quantity.h"

namespace swarmform::advise {
namespace {

/// One edit when `after` differs from `before` and can be written (a value
/// the advice removes cannot be: the editor sets values, it deletes none,
/// and sizing never removes one).
void value_edit(std::vector<adopt::ValueEdit>& out, const std::string& file,
                const std::string& service, const char* group, const char* key,
                const std::optional<int64_t>& before, const std::optional<int64_t>& after,
                bool cpu) {
  if (before == after || !after) return;
  const std::string old_text = cpu ? model::cpus_or_none(before) : model::memory_or_none(before);
  const std::string value = cpu ? model::format_cpus(*after) : model::format_memory(*after);
  out.push_back({file,
                 {"services", service, group, key},
                 value,
                 "",
                 service + ": " + group + "." + key + " " + old_text + " -> " + value});
}

}  // namespace

std::vector<adopt::ValueEdit> advice_edits(const model::DesiredState& desired,
                                           const Advice& advice) {
  std::vector<adopt::ValueEdit> out;
  if (!advice.placement.fits) return out;
  for (const ServiceAdvice& sa : advice.services) {  // by name (advise's order)
    auto it = desired.services.find(sa.name);
    if (it == desired.services.end() || !sa.changes()) continue;
    const std::string& file = it->second.where.file;
    if (sa.moves() && !sa.host_after.empty()) {
      out.push_back({file,
                     {"services", sa.name, "host"},
                     sa.host_after,
                     "",
                     sa.name + ": host " + (sa.host_before.empty() ? "none" : sa.host_before) +
                         " -> " + sa.host_after});
    }
    value_edit(out, file, sa.name, "limits", "cpus", sa.limits_before.nano_cpus,
               sa.sizing.limits.nano_cpus, true);
    value_edit(out, file, sa.name, "limits", "memory", sa.limits_before.memory_bytes,
               sa.sizing.limits.memory_bytes, false);
    value_edit(out, file, sa.name, "reservations", "cpus", sa.reservations_before.nano_cpus,
               sa.sizing.reservations.nano_cpus, true);
    value_edit(out, file, sa.name, "reservations", "memory", sa.reservations_before.memory_bytes,
               sa.sizing.reservations.memory_bytes, false);
  }
  return out;
}

}  // namespace swarmform::advise
