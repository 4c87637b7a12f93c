#include "reconciler/plan/topology.h"

#include <algorithm>

#include "reconciler/model/placement.h"

namespace swarmform::plan {

Topology::Topology(const model::DesiredState& desired, const model::LiveState& live)
    : live_(&live) {
  for (const auto& [name, host] : desired.hosts) host_by_node_[host.node] = name;
}

std::string Topology::host_of_node(const std::string& node) const {
  auto it = host_by_node_.find(node);
  return it == host_by_node_.end() ? node : it->second;
}

const model::LiveNode* Topology::node(const std::string& hostname) const {
  const model::LiveNode* found = nullptr;
  for (const auto& n : live_->nodes) {
    if (n.hostname != hostname) continue;
    if (n.state == "ready") return &n;
    if (found == nullptr) found = &n;
  }
  return found;
}

std::string Topology::unschedulable(const std::string& hostname) const {
  const model::LiveNode* n = node(hostname);
  if (n == nullptr) return "is not in the swarm";
  if (n->state != "ready") return "is " + (n->state.empty() ? std::string("not ready") : n->state);
  if (n->availability == "drain") return "is drained";
  if (n->availability == "pause") return "is paused";
  return "";
}

std::vector<std::string> Topology::pinned_nodes(const model::LiveService& service) const {
  std::vector<std::string> out = model::pinned_nodes(service.constraints);
  for (const auto& id : model::pinned_node_ids(service.constraints)) {
    auto it = std::find_if(live_->nodes.begin(), live_->nodes.end(),
                           [&id](const model::LiveNode& n) { return n.id == id; });
    out.push_back(it == live_->nodes.end() ? "node.id==" + id : it->hostname);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::map<std::string, uint64_t> Topology::tasks_by_host(const model::LiveService& service) const {
  std::map<std::string, uint64_t> out;
  std::vector<std::string> pinned = pinned_nodes(service);
  if (pinned.size() == 1) {
    uint64_t n = service.global ? 1 : service.replicas.value_or(0);
    if (n > 0) out[host_of_node(pinned.front())] = n;
    return out;
  }
  if (pinned.empty() && service.global) {
    for (const auto& n : live_->nodes) {
      if (unschedulable(n.hostname).empty() && node(n.hostname) == &n)
        ++out[host_of_node(n.hostname)];
    }
    return out;
  }
  // Replicated and not pinned (or pinned to several nodes, which no node
  // satisfies): count what runs.
  std::map<std::string, const model::LiveNode*> by_id;
  for (const auto& n : live_->nodes) by_id[n.id] = &n;
  for (const auto& t : live_->tasks) {
    if (service.id.empty() || t.service_id != service.id || t.desired_state != "running") continue;
    auto it = by_id.find(t.node_id);
    if (it != by_id.end()) ++out[host_of_node(it->second->hostname)];
  }
  return out;
}

std::vector<std::string> Topology::placed_hosts(const model::LiveService& service) const {
  std::vector<std::string> out;
  std::vector<std::string> pinned = pinned_nodes(service);
  if (!pinned.empty()) {
    for (const auto& n : pinned) out.push_back(host_of_node(n));
  } else {
    for (const auto& [host, n] : tasks_by_host(service)) out.push_back(host);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

uint64_t Topology::task_count(const model::LiveService& service) const {
  uint64_t total = 0;
  for (const auto& [host, n] : tasks_by_host(service)) total += n;
  return total;
}

}  // namespace swarmform::plan
