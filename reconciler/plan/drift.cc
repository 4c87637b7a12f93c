#include "reconciler/plan/drift.h"

#include <optional>

namespace swarmform::plan {
namespace {

struct Tally {
  bool outside = false;
  bool in_git = false;

  /// One field: `desired` declared, `live` as it is, `applied` when the label owned it.
  template <class T>
  void field(const std::optional<T>& desired, const std::optional<T>& live,
             const std::optional<T>& applied) {
    if (!desired || desired == live) return;
    if (!applied) {
      in_git = true;
      return;
    }
    if (*desired != *applied) in_git = true;
    if (live != applied) outside = true;
  }
};

std::optional<std::string> opt(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

void pick(std::optional<int64_t>& out, const std::optional<int64_t>& declared, int64_t live) {
  if (declared) out = live;
}

}  // namespace

OwnedFields live_owned(const model::LiveService& live, const OwnedFields& desired) {
  OwnedFields out;
  std::vector<std::string> nodes = pinned_nodes(live.constraints);
  if (nodes.size() == 1) out.node = nodes.front();
  if (desired.replicas) out.replicas = live.replicas;
  pick(out.limits.nano_cpus, desired.limits.nano_cpus, live.limits.nano_cpus);
  pick(out.limits.memory_bytes, desired.limits.memory_bytes, live.limits.memory_bytes);
  pick(out.reservations.nano_cpus, desired.reservations.nano_cpus, live.reservations.nano_cpus);
  pick(out.reservations.memory_bytes, desired.reservations.memory_bytes,
       live.reservations.memory_bytes);
  return out;
}

Drift attribute_drift(const OwnedFields& desired, const OwnedFields& live,
                      const OwnedFields& applied) {
  Tally t;
  t.field(opt(desired.node), opt(live.node), opt(applied.node));
  t.field(desired.replicas, live.replicas, applied.replicas);
  t.field(desired.limits.nano_cpus, live.limits.nano_cpus, applied.limits.nano_cpus);
  t.field(desired.limits.memory_bytes, live.limits.memory_bytes, applied.limits.memory_bytes);
  t.field(desired.reservations.nano_cpus, live.reservations.nano_cpus,
          applied.reservations.nano_cpus);
  t.field(desired.reservations.memory_bytes, live.reservations.memory_bytes,
          applied.reservations.memory_bytes);
  if (t.outside && t.in_git) return Drift::both;
  if (t.outside) return Drift::changed_outside;
  if (t.in_git) return Drift::changed_in_git;
  return Drift::none;
}

}  // namespace swarmform::plan
