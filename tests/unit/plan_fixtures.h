#pragma once
// Plain-value builders for plan tests: hosts, services, nodes, and the live
// swarm that exactly matches a desired state.

#include <set>
#include <string>

#include "reconciler/model/desired.h"
#include "reconciler/model/live.h"
#include "reconciler/model/quantity.h"
#include "reconciler/plan/owned.h"

namespace swarmform::plan::testing {

inline constexpr int64_t kMi = 1024 * 1024;
inline constexpr int64_t kGi = 1024 * kMi;

inline int64_t cpus(double n) { return static_cast<int64_t>(n * 1000) * 1'000'000; }

inline model::Host make_host(const std::string& name, int64_t nano_cpus, int64_t memory_bytes) {
  model::Host h;
  h.name = name;
  h.node = name;
  h.capacity = {nano_cpus, memory_bytes};
  return h;
}

inline model::Service make_service(const std::string& name, const std::string& host) {
  model::Service s;
  s.name = name;
  s.match = name;
  s.host = host;
  return s;
}

/// A desired state of two hosts and no service: the manager kvm4 (4 CPUs,
/// 16GiB) and kvm2 (2 CPUs, 8GiB).
inline model::DesiredState kvm4_and_kvm2() {
  model::DesiredState d;
  d.version = 1;
  d.manager = "kvm4";
  d.hosts["kvm4"] = make_host("kvm4", cpus(4), 16 * kGi);
  d.hosts["kvm2"] = make_host("kvm2", cpus(2), 8 * kGi);
  return d;
}

inline model::LiveNode make_node(const std::string& hostname, int64_t nano_cpus,
                                 int64_t memory_bytes) {
  model::LiveNode n;
  n.id = "node-" + hostname;
  n.hostname = hostname;
  n.role = "manager";
  n.availability = "active";
  n.state = "ready";
  n.nano_cpus = nano_cpus;
  n.memory_bytes = memory_bytes;
  return n;
}

/// A swarm name that `match` selects: wildcards filled in the way Dokploy
/// suffixes names.
inline std::string name_for(const std::string& match) {
  std::string out;
  for (char c : match) {
    if (c == '*')
      out += "x7k2p9";
    else if (c == '?')
      out += 'q';
    else
      out += c;
  }
  return out;
}

/// The live swarm that equals `desired`: a ready, active node per host with
/// the declared capacity; per service a live service pinned to its host's
/// node, with the declared replicas (1 when undeclared), limits and
/// reservations (0 when undeclared), somebody else's constraint, label and
/// image, and its tasks running there.  Services named in `global` run in
/// global mode.  A service without a host runs unpinned on the first host.
inline model::LiveState live_matching(const model::DesiredState& desired,
                                      const std::set<std::string>& global = {}) {
  model::LiveState live;
  live.api_version = "1.41";
  for (const auto& [name, h] : desired.hosts)
    live.nodes.push_back(make_node(h.node, h.capacity.nano_cpus, h.capacity.memory_bytes));
  uint64_t index = 100;
  for (const auto& [name, s] : desired.services) {
    // A service that declares no host runs on the first host, unpinned.
    const model::Host& h = s.host.empty() ? desired.hosts.begin()->second : desired.hosts.at(s.host);
    model::LiveService l;
    l.id = "id-" + name;
    l.name = name_for(s.match.empty() ? name : s.match);
    l.version_index = index++;
    l.image = "local/busybox:1";
    l.labels = {{"com.docker.stack.namespace", "infra"}};
    l.constraints = {"node.role==manager"};
    if (global.contains(name)) {
      l.mode = "global";
      l.global = true;
      l.replicas.reset();
    } else {
      l.replicas = 1;
    }
    l = model::with_owned(l, desired_owned(s, s.host.empty() ? nullptr : &h, l.global));
    l.spec_json =
        R"({"Name":")" + l.name + R"(","TaskTemplate":{"ContainerSpec":{"Env":["X=1"]}}})";
    uint64_t tasks = l.global ? 1 : l.replicas.value_or(0);
    for (uint64_t t = 0; t < tasks; ++t) {
      model::LiveTask task;
      task.id = l.id + "-t" + std::to_string(t);
      task.service_id = l.id;
      task.node_id = "node-" + h.node;
      task.slot = t + 1;
      task.desired_state = "running";
      task.state = "running";
      live.tasks.push_back(task);
    }
    l.running_tasks = l.desired_tasks = tasks;
    live.services.push_back(std::move(l));
  }
  return live;
}

}  // namespace swarmform::plan::testing
