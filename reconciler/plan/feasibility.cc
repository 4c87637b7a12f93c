#include "reconciler/plan/feasibility.h"

#include <algorithm>

#include "reconciler/model/local_volume.h"
#include "reconciler/plan/wording.h"

namespace swarmform::plan {

void check_data_move(const model::Service& service, const model::LiveService& live,
                     const ServiceChange& change, const Topology& topology,
                     std::vector<Finding>& findings) {
  bool placement_changes = std::any_of(change.changes.begin(), change.changes.end(),
                                       [](const FieldChange& f) { return f.field == "host"; });
  if (!placement_changes) return;
  std::vector<std::string> from;
  for (const auto& h : topology.placed_hosts(live)) {
    if (h != change.to_host) from.push_back(h);
  }
  if (from.empty()) return;
  std::vector<std::string> volumes;
  for (const auto& m : live.mounts) {
    if (model::is_local_volume(m)) {
      volumes.push_back(m.source.empty() ? m.target : m.source);
    }
  }
  if (volumes.empty()) return;
  std::string what = "moves from " + join(from) + " to " + change.to_host +
                     " but mounts local volume" + (volumes.size() == 1 ? " " : "s ") +
                     join(volumes) + ": its data stays on " + join(from);
  if (service.allow_data_move) {
    findings.push_back(
        {model::Severity::warning, service.name, what + " (allowed by allow_data_move: true)"});
  } else {
    findings.push_back({model::Severity::error, service.name,
                        what + "; move the data first, then set allow_data_move: true to confirm"});
  }
}

void check_nodes(const model::DesiredState& desired, const Topology& topology,
                 const std::vector<ServiceChange>& services, std::vector<Finding>& findings) {
  for (const auto& [name, host] : desired.hosts) {
    std::string why = topology.unschedulable(host.node);
    if (why.empty()) continue;
    std::vector<std::string> changed;
    std::vector<std::string> placed;
    for (const auto& s : services) {
      if (s.desired_host.empty() || s.to_host != name) continue;  // an unpinned one goes where the swarm puts it
      (is_change(s.action) ? changed : placed).push_back(s.name);
    }
    std::string node = "node '" + host.node + "' " + why;
    if (!changed.empty()) {
      findings.push_back({model::Severity::error, "host " + name,
                          node + ": cannot place " + join(changed) + " (planned changes)"});
    } else if (!placed.empty()) {
      findings.push_back(
          {model::Severity::warning, "host " + name, node + ": " + join(placed) + " cannot run"});
    } else {
      findings.push_back({model::Severity::warning, "host " + name, node});
    }
  }
}

}  // namespace swarmform::plan
