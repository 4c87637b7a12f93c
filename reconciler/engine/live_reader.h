#pragma once
// Reading the whole live swarm through one DockerClient.

#include "reconciler/engine/docker_client.h"
#include "reconciler/model/live.h"
#include "reconciler/util/result.h"

namespace swarmform::engine {

/// The swarm as the manager behind `client` sees it: API and engine version
/// (from the client's negotiation, no extra request), all nodes, all services
/// with task counts, and the tasks whose desired state is running — three
/// round trips on the client's kept-alive connection.  Fails with the first
/// engine, transport or mapping error ("reading live state from <peer>: ...").
/// Not thread-safe (uses `client`).
Result<model::LiveState> read_live_state(DockerClient& client);

/// The ID of the swarm the engine behind `client` belongs to (`GET /info`:
/// Swarm.Cluster.ID), which keys the usage history; fails when the engine is
/// not a swarm manager.
Result<std::string> read_swarm_id(DockerClient& client);

}  // namespace swarmform::engine
