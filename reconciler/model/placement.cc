#include "reconciler/model/placement.h"

#include <algorithm>
#include <cctype>

namespace swarmform::model {
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

/// The value of `constraint` when it is `<key>==<value>` (any spacing, the
/// key in any case, as swarm reads keys).
std::optional<std::string> equality_value(std::string_view constraint, std::string_view key_wanted) {
  size_t op = constraint.find("==");
  if (op == std::string_view::npos) return std::nullopt;
  std::string_view key = trim(constraint.substr(0, op));
  std::string_view value = trim(constraint.substr(op + 2));
  if (!iequals(key, key_wanted) || value.empty()) return std::nullopt;
  return std::string(value);
}

}  // namespace

std::optional<std::string> pinned_node(std::string_view constraint) {
  return equality_value(constraint, "node.hostname");
}

std::optional<std::string> pinned_node_id(std::string_view constraint) {
  return equality_value(constraint, "node.id");
}

bool is_pin(std::string_view constraint) {
  return pinned_node(constraint).has_value() || pinned_node_id(constraint).has_value();
}

std::vector<std::string> pinned_node_ids(const std::vector<std::string>& constraints) {
  std::vector<std::string> out;
  for (const auto& c : constraints) {
    if (auto id = pinned_node_id(c)) out.push_back(*id);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
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
  auto pins = std::count_if(live.begin(), live.end(), [](const std::string& c) { return is_pin(c); });
  if (pins == 1 && !node.empty()) {
    for (const auto& c : live) {
      if (pinned_node(c) == node) return live;
    }
  }
  std::vector<std::string> out;
  bool placed = false;
  for (const auto& c : live) {
    if (!is_pin(c)) {
      out.push_back(c);
    } else if (!placed) {
      placed = true;  // ours goes where the first pin was
      if (!node.empty()) out.push_back(placement_constraint(node));
    }
  }
  if (!placed && !node.empty()) out.push_back(placement_constraint(node));
  return out;
}

}  // namespace swarmform::model
