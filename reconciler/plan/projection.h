#pragma once
// Per-host capacity now and after the plan, and the findings it gives:
// budget breaches after the plan (errors) and declared capacity that
// disagrees with what the node reports (warnings).

#include <string>
#include <vector>

#include "reconciler/model/desired.h"
#include "reconciler/model/live.h"
#include "reconciler/plan/plan.h"
#include "reconciler/plan/topology.h"

namespace swarmform::plan {

/// A service as counted on the hosts: `label` names it in the load table.
struct Placed {
  std::string label;
  model::LiveService service;
};

/// One projection per declared host: `before` counts `now`, `after` counts
/// `then`, each service's tasks placed by Topology::tasks_by_host with its
/// per-task limits and reservations.  Services on undeclared nodes count
/// nowhere.
std::vector<HostProjection> project_hosts(const model::DesiredState& desired,
                                          const Topology& topology, const std::vector<Placed>& now,
                                          const std::vector<Placed>& then);

/// Declared memory may differ from the node's by this share (in percent)
/// without a warning: a machine's MemTotal is always below its RAM.
inline constexpr int64_t kMemoryTolerancePercent = 5;

/// Whether `declared` agrees with `real`: the same CPUs, and memory within
/// kMemoryTolerancePercent of the real one.
bool capacity_matches(const model::Capacity& declared, const model::Capacity& real);

/// An error per host and resource over budget after the plan; a warning per
/// host whose declared capacity disagrees with its node.
void check_capacity(const std::vector<HostProjection>& hosts, std::vector<Finding>& findings);

}  // namespace swarmform::plan
