#pragma once
// The swarm's nodes seen through the declared hosts: which host a node is,
// whether it can take tasks, and where a live service's tasks run.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "reconciler/model/desired.h"
#include "reconciler/model/live.h"

namespace swarmform::plan {

class Topology {
 public:
  /// Both arguments must outlive the topology.
  Topology(const model::DesiredState& desired, const model::LiveState& live);

  /// The declared host whose `node` is `node`; else the node name itself.
  [[nodiscard]] std::string host_of_node(const std::string& node) const;

  /// The live node with this hostname (a ready one when a hostname appears
  /// twice, as after a node left and rejoined); nullptr when there is none.
  [[nodiscard]] const model::LiveNode* node(const std::string& hostname) const;

  /// Why a node cannot take new tasks ("is not in the swarm", "is down",
  /// "is drained", "is paused"); empty when it can.
  [[nodiscard]] std::string unschedulable(const std::string& hostname) const;

  /// The nodes `service` is pinned to: its `node.hostname==` pins and its
  /// `node.id==` pins resolved to the live node's hostname (an id no live
  /// node has stays as "node.id==<id>", which names no host); sorted,
  /// without duplicates.  Empty: not pinned.
  [[nodiscard]] std::vector<std::string> pinned_nodes(const model::LiveService& service) const;

  /// Tasks of `service` per host (by host_of_node).  Pinned to one node: its
  /// replicas (1 for a global service) there.  Not pinned: a global service
  /// counts 1 on every node that takes tasks; a replicated one counts its
  /// running tasks where they run.  Hosts with 0 tasks are left out.
  [[nodiscard]] std::map<std::string, uint64_t> tasks_by_host(
      const model::LiveService& service) const;

  /// Where `service` is placed: the hosts of its pinned nodes, else the
  /// hosts its tasks run on; sorted.
  [[nodiscard]] std::vector<std::string> placed_hosts(const model::LiveService& service) const;

  [[nodiscard]] uint64_t task_count(const model::LiveService& service) const;

 private:
  const model::LiveState* live_;
  std::map<std::string, std::string> host_by_node_;
};

}  // namespace swarmform::plan
