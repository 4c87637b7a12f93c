#pragma once
// Raw readings of what runs, as the hosts report them: one reading of a task
// container's kernel counters (from its engine's stats) and one of a host's
// own counters (/proc/loadavg and /proc/stat).  Counters only: usage/ turns
// two readings a window apart into use.

#include <cstdint>
#include <optional>
#include <string>

namespace swarmform::model {

/// One reading of one swarm task container, as `GET /containers/{id}/stats
/// ?stream=false&one-shot=true` reported it (engine/usage_reader.h).
struct ContainerSample {
  std::string container_id;
  std::string service;   ///< label com.docker.swarm.service.name
  std::string task_id;   ///< label com.docker.swarm.task.id
  std::string node_id;   ///< label com.docker.swarm.node.id
  int64_t read_at_ns = 0;        ///< the engine's "read" time, ns since the epoch
  uint64_t cpu_total_ns = 0;     ///< cpu_stats.cpu_usage.total_usage
  uint64_t periods = 0;          ///< cpu_stats.throttling_data.periods
  uint64_t throttled_periods = 0;
  uint64_t throttled_ns = 0;     ///< throttling_data.throttled_time
  /// memory_stats.usage minus page cache (stats.inactive_file on cgroup v2,
  /// stats.cache on v1), never below 0; absent when the engine gave no usage.
  std::optional<uint64_t> memory_used_bytes;
  /// memory_stats.stats.oom_kill where the engine reports it (cgroup v2).
  std::optional<uint64_t> oom_kills;
};

/// One reading of a host's own counters.
struct HostSample {
  double load1 = 0;
  double load5 = 0;
  double load15 = 0;
  /// The aggregate "cpu " line of /proc/stat, in clock ticks: busy is every
  /// column but idle and iowait; total is every column (guest columns are
  /// already inside user and nice and are not added twice).
  uint64_t busy_ticks = 0;
  uint64_t total_ticks = 0;
  int cpus = 0;  ///< the number of "cpuN" lines
};

}  // namespace swarmform::model
