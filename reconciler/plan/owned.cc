#include "reconciler/plan/owned.h"

#include <algorithm>
#include <cctype>

#include "reconciler/plan/hash.h"

namespace swarmform::plan {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool same_spec(const model::ResourceSpec& a, const model::ResourceSpec& b) {
  return a.nano_cpus == b.nano_cpus && a.memory_bytes == b.memory_bytes;
}

void overlay(model::Resources& live, const model::ResourceSpec& owned) {
  if (owned.nano_cpus) live.nano_cpus = *owned.nano_cpus;
  if (owned.memory_bytes) live.memory_bytes = *owned.memory_bytes;
}

}  // namespace

bool same_owned(const OwnedFields& a, const OwnedFields& b) {
  return a.host == b.host && a.node == b.node && a.replicas == b.replicas &&
         same_spec(a.limits, b.limits) && same_spec(a.reservations, b.reservations);
}

OwnedFields desired_owned(const model::Service& service, const model::Host& host, bool global) {
  OwnedFields out;
  out.host = host.name;
  out.node = host.node;
  if (!global) out.replicas = service.replicas;
  out.limits = service.limits;
  out.reservations = service.reservations;
  return out;
}

std::optional<std::string> pinned_node(std::string_view constraint) {
  size_t op = constraint.find("==");
  if (op == std::string_view::npos) return std::nullopt;
  std::string_view key = trim(constraint.substr(0, op));
  std::string_view value = trim(constraint.substr(op + 2));
  // Swarm reads constraint keys case-insensitively.
  if (!iequals(key, "node.hostname") || value.empty()) return std::nullopt;
  return std::string(value);
}

std::vector<std::string> pinned_nodes(const std::vector<std::string>& constraints) {
  std::vector<std::string> out;
  for (const auto& c : constraints) {
    if (auto node = pinned_node(c)) out.push_back(*node);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string placement_constraint(const std::string& node) { return "node.hostname==" + node; }

std::vector<std::string> placement_constraints(const std::vector<std::string>& live,
                                               const std::string& node) {
  // Already pinned to `node` by exactly one constraint, however spelled:
  // unchanged, since rewriting it would restart the tasks for nothing.
  auto pins = std::count_if(live.begin(), live.end(), [](const std::string& c) { return pinned_node(c).has_value(); });
  if (pins == 1 && !node.empty()) {
    for (const auto& c : live) {
      if (pinned_node(c) == node) return live;
    }
  }
  std::vector<std::string> out;
  bool placed = false;
  for (const auto& c : live) {
    if (!pinned_node(c)) {
      out.push_back(c);
    } else if (!placed) {
      placed = true;  // ours goes where the first pin was
      if (!node.empty()) out.push_back(placement_constraint(node));
    }
  }
  if (!placed && !node.empty()) out.push_back(placement_constraint(node));
  return out;
}

model::LiveService with_owned(const model::LiveService& live, const OwnedFields& owned) {
  model::LiveService out = live;
  if (!owned.node.empty()) out.constraints = placement_constraints(live.constraints, owned.node);
  if (owned.replicas && !live.global) out.replicas = owned.replicas;
  overlay(out.limits, owned.limits);
  overlay(out.reservations, owned.reservations);
  return out;
}

std::string owned_hash(const model::LiveService& live) {
  std::string nodes;
  for (const auto& n : pinned_nodes(live.constraints)) nodes += (nodes.empty() ? "" : ",") + n;
  std::string canonical =
      "replicas=" + (live.replicas ? std::to_string(*live.replicas) : std::string("-")) +
      ";limits.nano_cpus=" + std::to_string(live.limits.nano_cpus) +
      ";limits.memory_bytes=" + std::to_string(live.limits.memory_bytes) +
      ";reservations.nano_cpus=" + std::to_string(live.reservations.nano_cpus) +
      ";reservations.memory_bytes=" + std::to_string(live.reservations.memory_bytes) +
      ";node.hostname=" + nodes;
  return fnv1a64_text(canonical);
}

}  // namespace swarmform::plan
