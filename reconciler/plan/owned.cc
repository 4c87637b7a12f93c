#include "reconciler/plan/owned.h"

#include "reconciler/model/placement.h"
#include "reconciler/plan/hash.h"

namespace swarmform::plan {

model::OwnedFields desired_owned(const model::Service& service, const model::Host* host, bool global) {
  model::OwnedFields out = model::declared_owned(service);
  if (host != nullptr && !host->node.empty()) out.node = host->node;
  if (global) out.replicas.reset();
  return out;
}

model::OwnedFields desired_owned(const model::Service& service, const model::Host& host, bool global) {
  return desired_owned(service, &host, global);
}

std::string owned_hash(const model::LiveService& live) {
  // Spelled out rather than walked from model::kOwnedFields: saved plans
  // carry this hash, so its canonical string is a file format.
  std::string nodes;
  for (const auto& n : model::pinned_nodes(live.constraints)) nodes += (nodes.empty() ? "" : ",") + n;
  std::string canonical =
      "replicas=" + (live.replicas ? std::to_string(*live.replicas) : std::string("-")) +
      ";limits.nano_cpus=" + std::to_string(live.limits.nano_cpus) +
      ";limits.memory_bytes=" + std::to_string(live.limits.memory_bytes) +
      ";reservations.nano_cpus=" + std::to_string(live.reservations.nano_cpus) +
      ";reservations.memory_bytes=" + std::to_string(live.reservations.memory_bytes) +
      ";node.hostname=" + nodes;
  return fnv1a64_text(canonical);
}

}  // namespace swarmform::plan
