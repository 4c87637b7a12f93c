#pragma once
// Two desired states compared as a reviewer reads a pull request (plan
// --base): which services and hosts were added or removed, and which
// declared fields changed, before (base) -> after (head).  No I/O.

#include <vector>

#include "reconciler/model/desired.h"
#include "reconciler/plan/plan.h"

namespace swarmform::plan {

/// The differences from `base` to `head`, in this order:
/// - services by name: "service <name>", added / removed, or changed with
///   the fields host, match, replicas, limits.cpus, limits.memory,
///   reservations.cpus, reservations.memory, image, allow_data_move,
///   command, env.<KEY>, labels.<KEY>, ports;
/// - hosts by name: "host <name>", added / removed, or changed with
///   capacity.cpus, capacity.memory, node, ssh, identity, docker_socket,
///   transport, cpu_overcommit, memory_overcommit (the host's overrides);
/// - "policy": cpu_overcommit, memory_overcommit, unmanaged,
///   require_limits, prune;
/// - "cluster": manager;
/// - "known_hosts": path.
/// Values read as the plan's FieldChange values do: CPUs by format_cpus,
/// memory by format_memory, budgets as "1.5x", "none" for what is not
/// declared; `restarts` is false (this is no statement about the swarm).
/// Where things were declared (files, lines) does not count; paths compare
/// as loaded, so load both states with the same config::LoadOptions.
/// Empty when the two states declare the same.
std::vector<DesiredChange> diff_desired(const model::DesiredState& base,
                                        const model::DesiredState& head);

}  // namespace swarmform::plan
