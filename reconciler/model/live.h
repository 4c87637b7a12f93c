#pragma once
// The live state: what the swarm reported through the Engine API, mapped into
// plain values.  Docker's conventions are kept: a zero limit means "none".

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace swarmform::model {

struct Resources {
  int64_t nano_cpus = 0;     ///< 0 = no limit / no reservation
  int64_t memory_bytes = 0;  ///< 0 = no limit / no reservation
};

struct LiveNode {
  std::string id;
  std::string hostname;
  std::string role;          ///< "manager" | "worker"
  std::string availability;  ///< "active" | "pause" | "drain"
  std::string state;         ///< "ready" | "down" | "unknown" | "disconnected"
  std::string address;
  int64_t nano_cpus = 0;     ///< Description.Resources.NanoCPUs
  int64_t memory_bytes = 0;  ///< Description.Resources.MemoryBytes
  std::map<std::string, std::string> labels;
};

struct LiveMount {
  std::string type;  ///< "volume" | "bind" | "tmpfs" | ...
  std::string source;
  std::string target;
  std::string volume_driver;  ///< empty means the default "local" driver
};

struct LiveService {
  std::string id;
  std::string name;
  uint64_t version_index = 0;  ///< opaque token for ?version=
  /// "replicated" | "global" | "replicated-job" | "global-job"
  std::string mode = "replicated";
  bool global = false;               ///< mode "global" or "global-job"
  std::optional<uint64_t> replicas;  ///< absent for global services and jobs
  Resources limits;
  Resources reservations;
  std::vector<std::string> constraints;
  std::map<std::string, std::string> labels;  ///< service (not container) labels
  std::vector<LiveMount> mounts;
  std::string image;
  uint64_t running_tasks = 0;  ///< from ?status=true ServiceStatus
  uint64_t desired_tasks = 0;
  std::string spec_json;  ///< the full Spec as the engine returned it
};

struct LiveTask {
  std::string id;
  std::string service_id;
  std::string node_id;
  uint64_t slot = 0;
  std::string desired_state;  ///< "running" | "shutdown" | ...
  std::string state;          ///< Status.State
  std::string message;        ///< Status.Message
  std::string error;          ///< Status.Err
  uint64_t version_index = 0; ///< Version.Index of the task
};

struct LiveState {
  std::string api_version;
  std::string engine_version;
  std::vector<LiveNode> nodes;
  std::vector<LiveService> services;
  std::vector<LiveTask> tasks;
};

}  // namespace swarmform::model
