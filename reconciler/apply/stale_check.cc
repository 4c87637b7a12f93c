#include "reconciler/apply/stale_check.h"

#include "reconciler/model/placement.h"
#include "reconciler/model/quantity.h"
#include "reconciler/plan/owned.h"

namespace swarmform::apply {
namespace {

std::string owned_now(const model::LiveService& s) {
  using model::cpus_or_none;
  using model::memory_or_none;
  std::string nodes;
  for (const auto& n : model::pinned_nodes(s.constraints)) nodes += (nodes.empty() ? "" : ",") + n;
  return "replicas " + (s.replicas ? std::to_string(*s.replicas) : std::string("-")) + ", limits " +
         cpus_or_none(s.limits.nano_cpus) + " CPUs / " + memory_or_none(s.limits.memory_bytes) + ", reservations " +
         cpus_or_none(s.reservations.nano_cpus) + " CPUs / " + memory_or_none(s.reservations.memory_bytes) + ", host " +
         (nodes.empty() ? "not pinned" : nodes);
}

}  // namespace

const model::LiveService* find_live(const model::LiveState& live, const std::string& id) {
  for (const auto& s : live.services) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

std::vector<StaleService> find_stale(const plan::Plan& plan, const model::LiveState& live) {
  std::vector<StaleService> stale;
  for (const plan::ServiceChange& c : plan.services) {
    if (!plan::is_change(c.action)) continue;
    if (plan::creates(c.action)) {
      for (const auto& s : live.services) {
        if (s.name == c.live_name) stale.push_back({c.name, "exists in the swarm now (the plan would create it)"});
      }
      continue;
    }
    const model::LiveService* s = find_live(live, c.live_id);
    if (s == nullptr) {
      stale.push_back({c.name, "was deleted from the swarm since the plan"});
    } else if (plan::owned_hash(*s) != c.owned_hash) {
      stale.push_back({c.name, "owned fields changed since the plan; now " + owned_now(*s)});
    }
  }
  return stale;
}

}  // namespace swarmform::apply
