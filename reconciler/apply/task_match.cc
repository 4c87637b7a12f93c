#include "reconciler/apply/task_match.h"

#include <array>

namespace swarmform::apply {
namespace {

bool is_empty_value(const nlohmann::json& v) {
  if (v.is_null()) return true;
  if (v.is_boolean()) return !v.get<bool>();
  if (v.is_number()) return v == 0;
  if (v.is_string()) return v.get_ref<const std::string&>().empty();
  return (v.is_object() || v.is_array()) && v.empty();
}

}  // namespace

nlohmann::json without_empty_values(const nlohmann::json& value) {
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, member] : value.items()) {
      nlohmann::json kept = without_empty_values(member);
      if (!is_empty_value(kept)) out[key] = std::move(kept);
    }
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& element : value) out.push_back(without_empty_values(element));
    return out;
  }
  return value;
}

bool runs_template(const nlohmann::json& task_spec, const nlohmann::json& task_template) {
  if (!task_spec.is_object() || !task_template.is_object()) return false;
  static constexpr std::array<const char*, 3> kCompared = {"Resources", "Placement", "ForceUpdate"};
  for (const char* key : kCompared) {
    auto a = task_spec.find(key);
    auto b = task_template.find(key);
    nlohmann::json left = a == task_spec.end() ? nlohmann::json() : without_empty_values(*a);
    nlohmann::json right = b == task_template.end() ? nlohmann::json() : without_empty_values(*b);
    if (is_empty_value(left) && is_empty_value(right)) continue;
    if (left != right) return false;
  }
  return true;
}

}  // namespace swarmform::apply
