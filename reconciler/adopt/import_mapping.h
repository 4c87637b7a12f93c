#pragma once
// What `swarmform import` adds to a desired state so that it declares the
// swarm that runs: the capacity and node of each declared host, and one
// entry per live service the desired state does not match yet, with the
// owned fields exactly as they are live.  A pure function of the desired
// and live states: the YAML text is written by import_yaml.h.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/model/desired.h"
#include "reconciler/model/live.h"

namespace swarmform::adopt {

/// What import writes into a declared host's entry.
struct HostFill {
  std::string host;                       ///< the key under `hosts:`
  std::optional<model::Capacity> capacity;  ///< when the host declares none
  bool memory_rounded = false;            ///< capacity.memory rounded down to MiB
  std::string node_reports;               ///< "node kvm4 reports 2 CPUs and 24683620KiB"
  std::optional<std::string> node;        ///< when the node's hostname differs from the key
};

/// One service entry to declare.
struct ImportedService {
  std::string key;        ///< the key under `services:`
  std::string live_name;  ///< the swarm service's name
  std::optional<std::string> match;  ///< a glob for a generated name suffix
  std::string host;       ///< empty: not pinned to one declared host
  model::ServiceMode mode = model::ServiceMode::replicated;
  std::optional<uint64_t> replicas;  ///< replicated services only
  model::ResourceSpec limits;        ///< present values only: what is live
  model::ResourceSpec reservations;
  // Comments for the entry, one line each; empty for none.
  std::string mode_comment;    ///< what a global service or a job owns
  std::string host_comment;    ///< where an unpinned service runs now
  std::string limits_comment;  ///< "no limit", "no CPU limit", "no memory limit"
  /// Who else deploys it: "managed by Dokploy (application app-1): ..."
  /// (integrations.dokploy, filled in by the import command); empty for none.
  std::string managed_by_comment;
};

struct ImportResult {
  std::vector<HostFill> hosts;              ///< hosts with something to fill, by name
  std::vector<ImportedService> services;    ///< sorted by key
  std::vector<std::string> notes;           ///< what the user should know (warnings)
  size_t already_declared = 0;              ///< live services the desired state matches
};

/// The suffix glob for a name ending in a generated suffix, Dokploy style:
/// a last `-` part of exactly 6 lower-case letters and digits with at least
/// one digit ("infrastructureservices-saleorapi-a1b2c3" ->
/// "infrastructureservices-saleorapi-*"); nullopt otherwise.  Requiring a
/// digit keeps words ("-worker", "-server") exact, at the price of leaving
/// exact the one generated suffix in seven that has no digit.
std::optional<std::string> generated_suffix_glob(const std::string& name);

/// The hostname a live service is pinned to by its constraints
/// (`node.hostname==X`, or `node.id==ID` resolved through `live.nodes`);
/// nullopt when it is pinned to none, or to several different nodes.
std::optional<std::string> pinned_hostname(const model::LiveService& service, const model::LiveState& live);

/// The capacity `node` reports, as a desired state writes it: CPUs as they
/// are; memory in whole GiB or MiB (rounded down to MiB when not exact,
/// `rounded` then set).
model::Capacity capacity_of_node(const model::LiveNode& node, bool& rounded);

/// The "no limit" comment for what `limits` leaves out; empty when both are set.
std::string missing_limits_comment(const model::ResourceSpec& limits);

/// Everything import adds to `desired` to declare `live`.
ImportResult import_state(const model::DesiredState& desired, const model::LiveState& live);

}  // namespace swarmform::adopt
