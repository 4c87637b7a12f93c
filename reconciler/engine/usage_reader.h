#pragma once
// One reading of every running swarm task container an engine runs: its
// containers listed by the swarm's service label, then every one's stats
// (one-shot, no stream), asked all at once (DockerClient::get_json_each).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "reconciler/engine/docker_client.h"
#include "reconciler/model/usage_sample.h"
#include "reconciler/util/result.h"

namespace swarmform::engine {

/// `GET /containers/json?filters={"label":["com.docker.swarm.service.name"]}`
/// (running ones only), then `GET /containers/{id}/stats?stream=false
/// &one-shot=true` for each, sent together over up to 128 connections (the
/// client's and more it opens and keeps): dockerd answers stats once a
/// second, together for all that wait.  A container gone between the list and its
/// stats (404, or stats whose "read" is the zero time: it stopped) is
/// skipped, not an error.  Fails with the first transport or engine error,
/// or the first answer that is not Docker's, as "reading container stats
/// from ENGINE: ...".
Result<std::vector<model::ContainerSample>> read_task_containers(DockerClient& client);

/// One stats answer (and the labels of its container from the list) as a
/// sample; fails naming the field when the JSON is not Docker's stats.
/// Handles cgroup v1 (memory_stats.stats.cache) and v2 (inactive_file).
/// Messages read "container ID12: stats.cpu_stats.cpu_usage.total_usage:
/// expected a number" (the list entry's paths start with "container.").
/// Stats of a container that is not running (its "read" is Go's zero time
/// "0001-01-01T00:00:00Z") fail with ErrorKind::not_found.
Result<model::ContainerSample> container_sample_from_json(const nlohmann::json& container_summary,
                                                          const nlohmann::json& stats);

/// "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)", as the engine writes
/// times (Go's RFC3339Nano, up to 9 fraction digits), in ns since the epoch.
/// Fails naming the text on anything else and on times int64 nanoseconds
/// cannot hold (about 1678 to 2262).
Result<int64_t> parse_rfc3339_ns(std::string_view text);

}  // namespace swarmform::engine
