#pragma once
// One reading of every running swarm task container an engine runs: its
// containers listed by the swarm's service label, then each one's stats
// (one-shot, no stream) on the client's kept-alive connection.

#include <nlohmann/json.hpp>
#include <vector>

#include "reconciler/engine/docker_client.h"
#include "reconciler/model/usage_sample.h"
#include "reconciler/util/result.h"

namespace swarmform::engine {

/// `GET /containers/json?filters={"label":["com.docker.swarm.service.name"]}`
/// (running ones only), then `GET /containers/{id}/stats?stream=false
/// &one-shot=true` for each.  A container gone between the list and its
/// stats (404, or stats with no "read" time) is skipped, not an error.
/// Fails with the first transport or engine error, naming the engine.
Result<std::vector<model::ContainerSample>> read_task_containers(DockerClient& client);

/// One stats answer (and the labels of its container from the list) as a
/// sample; fails naming the field when the JSON is not Docker's stats.
/// Handles cgroup v1 (memory_stats.stats.cache) and v2 (inactive_file).
Result<model::ContainerSample> container_sample_from_json(const nlohmann::json& container_summary,
                                                          const nlohmann::json& stats);

}  // namespace swarmform::engine
