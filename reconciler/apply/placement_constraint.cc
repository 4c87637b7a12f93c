#include "reconciler/apply/placement_constraint.h"

#include <algorithm>
#include <cctype>

namespace swarmform::apply {
namespace {

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

std::optional<std::string> pinned_hostname(std::string_view constraint) {
  // swarmkit splits at the first "==" before looking for "!=".
  auto op = constraint.find("==");
  if (op == std::string_view::npos) return std::nullopt;
  if (!equals_ignoring_case(trim(constraint.substr(0, op)), "node.hostname")) return std::nullopt;
  return std::string(trim(constraint.substr(op + 2)));
}

std::string pinned_node(const std::vector<std::string>& constraints) {
  for (const auto& c : constraints) {
    if (auto host = pinned_hostname(c)) return *host;
  }
  return {};
}

std::vector<std::string> pin_to_node(const std::vector<std::string>& constraints,
                                     const std::string& node) {
  auto pins = std::ranges::count_if(
      constraints, [](const std::string& c) { return pinned_hostname(c).has_value(); });
  if (pins == 1 && !node.empty() && pinned_node(constraints) == node) return constraints;

  std::vector<std::string> out;
  bool placed = false;
  for (const auto& c : constraints) {
    if (!pinned_hostname(c)) {
      out.push_back(c);
    } else if (!placed) {
      placed = true;
      if (!node.empty()) out.push_back("node.hostname==" + node);
    }
  }
  if (!placed && !node.empty()) out.push_back("node.hostname==" + node);
  return out;
}

}  // namespace swarmform::apply
