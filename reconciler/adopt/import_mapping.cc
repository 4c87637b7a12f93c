#include "reconciler/adopt/import_mapping.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "reconciler/model/quantity.h"
#include "reconciler/plan/match.h"
#include "reconciler/plan/topology.h"
#include "reconciler/plan/wording.h"
#include "reconciler/util/glob.h"

namespace swarmform::adopt {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;

/// The length of a generated suffix: Dokploy's appName is the slug of the
/// name the user typed plus `-` and customAlphabet("a-z0-9", 6).
constexpr size_t kSuffixLength = 6;

/// The one node of a pinned_nodes() list; nullopt for none, several, or
/// a node id no live node has ("node.id==ID").
std::optional<std::string> one_node(const std::vector<std::string>& nodes) {
  if (nodes.size() != 1 || nodes.front().starts_with("node.id==")) return std::nullopt;
  return nodes.front();
}

model::ServiceMode mode_of(const model::LiveService& s) {
  if (s.mode == "global") return model::ServiceMode::global;
  if (s.mode == "replicated-job") return model::ServiceMode::replicated_job;
  if (s.mode == "global-job") return model::ServiceMode::global_job;
  return model::ServiceMode::replicated;
}

/// The declared host whose node is `hostname`; empty when none is.
std::string host_of(const model::DesiredState& desired, const std::string& hostname) {
  for (const auto& [name, h] : desired.hosts) {
    if (h.node == hostname) return name;
  }
  return "";
}

const model::LiveNode* node_of_host(const model::Host& host, const model::LiveState& live,
                                    std::vector<std::string>& notes) {
  const model::LiveNode* by_name = nullptr;
  for (const auto& n : live.nodes) {
    if (n.hostname == host.node && (by_name == nullptr || n.state == "ready")) by_name = &n;
  }
  if (by_name) return by_name;
  // The key is not the node's hostname: the node whose address is the
  // host's SSH address, when exactly one is.
  std::vector<const model::LiveNode*> by_address;
  for (const auto& n : live.nodes) {
    if (!n.address.empty() && n.address == host.ssh.address) by_address.push_back(&n);
  }
  if (by_address.size() == 1) return by_address.front();
  std::vector<std::string> names;
  for (const auto& n : live.nodes) names.push_back(n.hostname);
  notes.push_back("host '" + host.name + "': no swarm node is named '" + host.node + "'" +
                  (by_address.empty() ? std::string(" or has its address ") + host.ssh.address
                                      : " and several nodes have its address " + host.ssh.address) +
                  " (nodes: " + plan::join(names) + "); set its `node:` to the node's hostname");
  return nullptr;
}

std::optional<HostFill> fill_host(const model::Host& host, const model::LiveState& live,
                                  std::vector<std::string>& notes) {
  const model::LiveNode* node = node_of_host(host, live, notes);
  if (node == nullptr) return std::nullopt;
  HostFill fill;
  fill.host = host.name;
  if (node->hostname != host.node) fill.node = node->hostname;
  if (!host.capacity_declared) {
    fill.capacity = capacity_of_node(*node, fill.memory_rounded);
    fill.node_reports = "node " + node->hostname + " reports " + model::format_cpus(node->nano_cpus) + " CPUs and " +
                        model::format_memory(node->memory_bytes);
  }
  if (!fill.capacity && !fill.node) return std::nullopt;
  return fill;
}

std::string mode_comment(model::ServiceMode mode) {
  switch (mode) {
    case model::ServiceMode::replicated: return "";
    case model::ServiceMode::global:
      return "global: one task on every node; swarmform owns its limits and reservations, not a replica count";
    case model::ServiceMode::replicated_job:
    case model::ServiceMode::global_job:
      return std::string(model::service_mode_name(mode)) +
             ": runs to completion; swarmform owns its limits and reservations only";
  }
  return "";
}

ImportedService entry_of(const model::LiveService& s, const plan::Topology& topology,
                         const model::DesiredState& desired, std::vector<std::string>& notes) {
  ImportedService e;
  e.key = s.name;
  e.live_name = s.name;
  e.mode = mode_of(s);
  if (e.mode == model::ServiceMode::replicated) e.replicas = s.replicas.value_or(1);
  if (s.limits.nano_cpus) e.limits.nano_cpus = s.limits.nano_cpus;
  if (s.limits.memory_bytes) e.limits.memory_bytes = s.limits.memory_bytes;
  if (s.reservations.nano_cpus) e.reservations.nano_cpus = s.reservations.nano_cpus;
  if (s.reservations.memory_bytes) e.reservations.memory_bytes = s.reservations.memory_bytes;
  e.mode_comment = mode_comment(e.mode);

  std::optional<std::string> pinned = one_node(topology.pinned_nodes(s));
  if (pinned) e.host = host_of(desired, *pinned);
  if (e.host.empty()) {
    std::vector<std::string> where = topology.placed_hosts(s);
    std::string now = where.empty() ? "no task runs now" : "its tasks run on " + plan::join(where) + " now";
    if (pinned) {
      e.host_comment = "pinned to node " + *pinned + ", which no host declares (" + now + ")";
      notes.push_back("service '" + s.name + "' is pinned to node " + *pinned +
                      ", which no declared host is: imported without `host:`; declare the host to own its placement");
    } else if (e.mode != model::ServiceMode::global && e.mode != model::ServiceMode::global_job) {
      e.host_comment = "not pinned to one host: " + now;
    }
  }
  e.limits_comment = missing_limits_comment(e.limits);
  for (const char* field : {"cpus", "memory"}) {
    bool cpu = std::string(field) == "cpus";
    auto limit = cpu ? e.limits.nano_cpus : e.limits.memory_bytes;
    auto reserved = cpu ? e.reservations.nano_cpus : e.reservations.memory_bytes;
    if (limit && reserved && *reserved > *limit) {
      notes.push_back("service '" + s.name + "' reserves more " + (cpu ? "CPU" : "memory") +
                      " than its limit; imported as it runs, which validate refuses: fix one of them");
    }
  }
  return e;
}

/// Gives each entry (sorted by live name) its key and, for a generated
/// suffix, its glob: the key is the name without the suffix when that is
/// free and the glob matches this live service alone; else the full name.
/// A key already declared gets "-2", "-3", ... (said in a note).  A name
/// sorts before every name it is the stem of, so taking keys in order gives
/// an exact name its own key first.
void choose_keys(std::vector<ImportedService>& entries, const model::LiveState& live,
                 const model::DesiredState& desired, std::vector<std::string>& notes) {
  std::vector<std::optional<std::string>> globs(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    globs[i] = generated_suffix_glob(entries[i].live_name);
    if (!globs[i]) continue;
    size_t hits = std::count_if(live.services.begin(), live.services.end(), [&](const model::LiveService& s) {
      return glob_matches(*globs[i], s.name);
    });
    bool declared_pattern = std::any_of(desired.services.begin(), desired.services.end(),
                                        [&](const auto& d) { return d.second.match == *globs[i]; });
    if (hits != 1 || declared_pattern) {
      notes.push_back("service '" + entries[i].live_name + "': '" + *globs[i] + "' would match " +
                      (declared_pattern ? "a declared pattern too" : std::to_string(hits) + " live services") +
                      "; declared by its exact name instead");
      globs[i].reset();
    }
  }
  std::set<std::string> taken;
  for (const auto& [name, s] : desired.services) taken.insert(name);
  for (size_t i = 0; i < entries.size(); ++i) {
    ImportedService& e = entries[i];
    if (globs[i]) {
      e.match = *globs[i];
      std::string stem = globs[i]->substr(0, globs[i]->size() - 2);
      if (!taken.contains(stem)) {
        e.key = stem;
      } else {
        notes.push_back("service '" + e.live_name + "' is declared by its full name, matching '" + *globs[i] +
                        "': '" + stem + "' is the key of another service");
      }
    }
    if (taken.contains(e.key)) {
      std::string base = e.key;
      int n = 2;
      while (taken.contains(base + "-" + std::to_string(n))) ++n;
      e.key = base + "-" + std::to_string(n);
      if (!e.match) e.match = e.live_name;
      notes.push_back("service '" + e.live_name + "' is declared as '" + e.key + "': '" + base +
                      "' is already a declared service");
    }
    taken.insert(e.key);
  }
}

}  // namespace

std::string missing_limits_comment(const model::ResourceSpec& limits) {
  if (limits.nano_cpus && limits.memory_bytes) return "";
  if (!limits.nano_cpus && !limits.memory_bytes) return "no limit: it may use the whole host (validate warns)";
  return std::string("no ") + (limits.nano_cpus ? "memory" : "CPU") + " limit";
}

std::optional<std::string> generated_suffix_glob(const std::string& name) {
  size_t dash = name.rfind('-');
  if (dash == std::string::npos || dash == 0 || name.size() - dash - 1 != kSuffixLength) return std::nullopt;
  std::string_view suffix = std::string_view(name).substr(dash + 1);
  bool digit = false;
  for (char c : suffix) {
    if (std::isdigit(static_cast<unsigned char>(c))) digit = true;
    else if (c < 'a' || c > 'z') return std::nullopt;
  }
  if (!digit) return std::nullopt;
  return name.substr(0, dash + 1) + "*";
}

std::optional<std::string> pinned_hostname(const model::LiveService& service, const model::LiveState& live) {
  static const model::DesiredState kNoHosts;
  return one_node(plan::Topology(kNoHosts, live).pinned_nodes(service));
}

model::Capacity capacity_of_node(const model::LiveNode& node, bool& rounded) {
  rounded = node.memory_bytes % kMiB != 0;
  return {node.nano_cpus, node.memory_bytes / kMiB * kMiB};
}

ImportResult import_state(const model::DesiredState& desired, const model::LiveState& live) {
  ImportResult out;
  // The services are mapped onto the hosts as they will read once filled
  // in: a host whose node import finds (by its address) owns that node.
  model::DesiredState filled = desired;
  for (const auto& [name, host] : desired.hosts) {
    auto fill = fill_host(host, live, out.notes);
    if (!fill) continue;
    if (fill->node) filled.hosts.at(name).node = *fill->node;
    out.hosts.push_back(std::move(*fill));
  }
  plan::Matching matching = plan::match_services(desired, live);
  std::vector<const model::LiveService*> undeclared;
  for (size_t i = 0; i < live.services.size(); ++i) {
    if (matching.declared_of[i].empty()) undeclared.push_back(&live.services[i]);
    else ++out.already_declared;
  }
  std::sort(undeclared.begin(), undeclared.end(), [](auto* a, auto* b) { return a->name < b->name; });
  const plan::Topology topology(filled, live);
  for (const model::LiveService* s : undeclared) out.services.push_back(entry_of(*s, topology, filled, out.notes));
  choose_keys(out.services, live, desired, out.notes);
  std::sort(out.services.begin(), out.services.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  return out;
}

}  // namespace swarmform::adopt
