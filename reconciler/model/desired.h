#pragma once
// The desired state: what the team declared in YAML, after loading and
// normalisation.  Plain values, no I/O.  Every declared item remembers where
// it was declared so later stages can point at the line.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace swarmform::model {

/// A place in a desired-state file (1-based line and column).
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
};

/// Optional CPU and memory, as declared (absent = not declared).
struct ResourceSpec {
  std::optional<int64_t> nano_cpus;
  std::optional<int64_t> memory_bytes;

  bool operator==(const ResourceSpec&) const = default;
};

struct Capacity {
  int64_t nano_cpus = 0;
  int64_t memory_bytes = 0;
};

/// How bytes reach a host's docker socket over SSH.
enum class TransportMode { automatic, streamlocal, dial_stdio };

/// `user@host:port` of a host's sshd.
struct SshTarget {
  std::string user = "root";
  std::string address;
  uint16_t port = 22;
};

struct Host {
  std::string name;  ///< the key under `hosts:`
  Location where;
  SshTarget ssh;
  std::optional<std::string> identity;  ///< private key path, `~` expanded
  std::string node;                     ///< swarm node hostname; defaults to `name`
  std::string docker_socket = "/var/run/docker.sock";
  TransportMode transport = TransportMode::automatic;
  Capacity capacity;
  /// False only when the loader was told capacity may be missing (import
  /// fills it in from the node); `capacity` is then zero.
  bool capacity_declared = true;
  std::optional<int64_t> cpu_overcommit;     ///< per-host budget override (billionths)
  std::optional<int64_t> memory_overcommit;  ///< per-host budget override (billionths)
};

enum class UnmanagedPolicy { ignore, warn, error };

struct Policy {
  int64_t cpu_overcommit = 1'000'000'000;     ///< billionths: 1.0
  int64_t memory_overcommit = 1'000'000'000;  ///< billionths: 1.0
  UnmanagedPolicy unmanaged = UnmanagedPolicy::warn;
  bool require_limits = false;
  bool prune = false;
};

struct PortSpec {
  uint16_t published = 0;
  uint16_t target = 0;
  std::string protocol = "tcp";
};

/// How the swarm schedules a service's tasks (its Spec.Mode).  swarmform
/// owns a replica count only in `replicated` mode; a `global` service runs one
/// task on every node its constraints allow; jobs run to completion.
enum class ServiceMode { replicated, global, replicated_job, global_job };

/// "replicated", "global", "replicated-job", "global-job": the names the
/// engine's LiveService::mode and the YAML `mode:` use.
inline const char* service_mode_name(ServiceMode m) {
  switch (m) {
    case ServiceMode::replicated: return "replicated";
    case ServiceMode::global: return "global";
    case ServiceMode::replicated_job: return "replicated-job";
    case ServiceMode::global_job: return "global-job";
  }
  return "replicated";
}

struct Service {
  std::string name;  ///< the key under `services:`
  Location where;
  std::string match;  ///< swarm service name or glob; defaults to `name`
  /// The declared host; empty when the service is not pinned to one host
  /// (swarmform then does not own its placement).
  std::string host;
  Location host_where;
  /// Absent: swarmform does not own the replica count (and counts 1 task
  /// for capacity arithmetic).
  std::optional<uint64_t> replicas;
  ServiceMode mode = ServiceMode::replicated;  ///< `mode:`; replicated when absent
  ResourceSpec limits;
  ResourceSpec reservations;
  bool allow_data_move = false;
  // Only used when swarmform creates the service.
  std::optional<std::string> image;
  std::vector<std::string> command;
  std::map<std::string, std::string> env;
  std::map<std::string, std::string> labels;
  std::vector<PortSpec> ports;
};

/// `integrations.dokploy`: the Dokploy whose stored application values
/// swarmform keeps in step with the desired state.  The API key itself is
/// never part of the state: only the name of the environment variable that
/// holds it.
struct DokployIntegration {
  Location where;
  std::string url;          ///< https://..., or http://127.0.0.1[:port]; no trailing '/'
  std::string api_key_env;  ///< name of the environment variable holding the API key
  std::optional<std::string> ca_file;  ///< resolved against the state directory

  bool operator==(const DokployIntegration& o) const {
    return url == o.url && api_key_env == o.api_key_env && ca_file == o.ca_file;
  }
};

struct DesiredState {
  int version = 0;
  std::string manager;  ///< host name whose engine is the manager API
  std::map<std::string, Host> hosts;
  std::optional<std::string> known_hosts;  ///< path, resolved against the state directory
  Policy policy;
  std::map<std::string, Service> services;
  std::optional<DokployIntegration> dokploy;  ///< `integrations.dokploy`, when declared
  std::vector<std::string> files;  ///< the files it was read from, sorted

  /// The budget that applies to `host` (its override, else the policy).
  [[nodiscard]] int64_t cpu_budget(const Host& host) const {
    return host.cpu_overcommit.value_or(policy.cpu_overcommit);
  }
  [[nodiscard]] int64_t memory_budget(const Host& host) const {
    return host.memory_overcommit.value_or(policy.memory_overcommit);
  }
};

}  // namespace swarmform::model
