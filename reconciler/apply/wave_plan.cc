#include "reconciler/apply/wave_plan.h"

#include "reconciler/apply/stale_check.h"
#include "reconciler/model/quantity.h"

namespace swarmform::apply {
namespace {

/// A create or update of a service that declares no host: the swarm places
/// it, so its change frees or takes no particular host's capacity (its
/// to_host only says where its tasks run now).
bool unpinned(const plan::ServiceChange& c) { return !plan::removes(c.action) && c.desired_host.empty(); }

}  // namespace

bool releases_capacity(const plan::ServiceChange& c, const model::LiveService* live) {
  if (plan::removes(c.action)) return true;
  if (plan::creates(c.action) || live == nullptr || (!unpinned(c) && c.from_host != c.to_host)) return false;
  const auto& d = c.desired;
  uint64_t tasks_before = live->replicas.value_or(1);
  uint64_t tasks_after = d.replicas.value_or(tasks_before);
  // Exact comparisons of per-task value x tasks, in model's checked arithmetic.
  auto at_most = [&](int64_t after, int64_t before) {
    return model::product_at_most(tasks_after, after, tasks_before, before);
  };
  // A limit of 0 is "no limit": going from a limit to none releases nothing.
  bool limit_removed = (d.limits.nano_cpus == 0 && live->limits.nano_cpus != 0) ||
                       (d.limits.memory_bytes == 0 && live->limits.memory_bytes != 0);
  return !limit_removed && at_most(d.limits.nano_cpus.value_or(live->limits.nano_cpus), live->limits.nano_cpus) &&
         at_most(d.limits.memory_bytes.value_or(live->limits.memory_bytes), live->limits.memory_bytes) &&
         at_most(d.reservations.nano_cpus.value_or(live->reservations.nano_cpus), live->reservations.nano_cpus) &&
         at_most(d.reservations.memory_bytes.value_or(live->reservations.memory_bytes),
                 live->reservations.memory_bytes);
}

Waves plan_waves(const plan::Plan& plan, const model::LiveState& live) {
  Waves w;
  for (size_t i = 0; i < plan.services.size(); ++i) {
    const plan::ServiceChange& c = plan.services[i];
    if (!plan::is_change(c.action)) continue;
    size_t index = w.changes.size();
    w.changes.push_back(i);
    size_t wave = releases_capacity(c, find_live(live, c.live_id))        ? kReleasingWave
                  : (plan::updates(c.action) && !unpinned(c) && c.from_host != c.to_host) ? kMovingWave
                                                                          : kWaveCount - 1;
    w.waves[wave].push_back(index);
  }
  return w;
}

std::set<std::string> unreleased_hosts(const plan::Plan& plan, const Waves& waves,
                                       std::span<const ServiceResult> results) {
  std::set<std::string> hosts;
  for (size_t index : waves.waves[kReleasingWave]) {
    const plan::ServiceChange& c = plan.services[waves.changes[index]];
    if (results[index].outcome != Outcome::applied && !c.from_host.empty() && !unpinned(c)) hosts.insert(c.from_host);
  }
  return hosts;
}

WaveStart start_wave(const plan::Plan& plan, const Waves& waves, size_t wave,
                     const std::set<std::string>& unreleased) {
  WaveStart s;
  for (size_t index : waves.waves[wave]) {
    const plan::ServiceChange& c = plan.services[waves.changes[index]];
    if (wave != kReleasingWave && !unpinned(c) && !c.to_host.empty() && unreleased.contains(c.to_host)) {
      s.held_back.push_back({index, "not started: an earlier change that frees capacity on " + c.to_host + " failed"});
      continue;
    }
    s.start.push_back(index);
  }
  return s;
}

}  // namespace swarmform::apply
