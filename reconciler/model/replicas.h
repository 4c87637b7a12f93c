#pragma once
// The bound on a replica count, shared by the desired state's loader and
// every reader whose values can be written into a desired state (Dokploy's
// stored replicas, which import --from-dokploy writes).

#include <cstdint>

namespace swarmform::model {

/// The most replicas a desired state may declare: 100,000.  A swarm's task
/// count is bounded far lower by its nodes, so more is a typo.
inline constexpr int64_t kMaxReplicas = 100000;

}  // namespace swarmform::model
