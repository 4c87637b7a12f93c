#include "reconciler/engine/spec_rewrite.h"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "reconciler/model/placement.h"

namespace swarmform::engine {
namespace {

using nlohmann::json;

/// The object member `key` of `parent` (created empty when absent or null).
Result<json*> object_member(json& parent, const char* key, const std::string& path) {
  json& member = parent[key];
  if (member.is_null()) member = json::object();
  if (!member.is_object()) return fail(fmt::format("{}.{}: expected an object", path, key));
  return &member;
}

/// The member at `keys` when every step is an object that has it, else nullptr.
json* find_path(json& root, std::initializer_list<const char*> keys) {
  json* at = &root;
  for (const char* key : keys) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(key);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

/// Writes one resource value at Spec.TaskTemplate.Resources.<group>.<key>.
Result<void> write_resource(json& spec, const char* group, const char* key,
                            std::optional<int64_t> value) {
  if (!value) return {};
  const std::string path = "Spec.TaskTemplate.Resources";
  if (*value < 0) return fail(fmt::format("{}.{}.{}: {} is negative", path, group, key, *value));
  if (*value == 0) {
    // Only remove what is there: creating empty objects would change the spec.
    json* g = find_path(spec, {"TaskTemplate", "Resources", group});
    if (g == nullptr || !g->is_object()) return {};
    auto k = g->find(key);
    if (k != g->end() && !(k->is_number() && *k == 0)) g->erase(k);
    return {};
  }
  json* current = find_path(spec, {"TaskTemplate", "Resources", group, key});
  if (current != nullptr && current->is_number() && *current == *value) return {};
  SF_TRY_ASSIGN(json * tt, object_member(spec, "TaskTemplate", "Spec"));
  SF_TRY_ASSIGN(json * resources, object_member(*tt, "Resources", "Spec.TaskTemplate"));
  SF_TRY_ASSIGN(json * g, object_member(*resources, group, path));
  (*g)[key] = *value;
  return {};
}

Result<void> write_replicas(json& spec, std::optional<uint64_t> replicas) {
  if (!replicas) return {};
  json* mode = find_path(spec, {"Mode"});
  if (mode != nullptr && mode->is_object() && !mode->empty() && !mode->contains("Replicated")) {
    return fail(
        fmt::format("Spec.Mode: the service is {}, not Replicated: its replicas cannot be set",
                    mode->begin().key()));
  }
  json* current = find_path(spec, {"Mode", "Replicated", "Replicas"});
  if (current != nullptr && current->is_number() && *current == *replicas) return {};
  SF_TRY_ASSIGN(json * m, object_member(spec, "Mode", "Spec"));
  SF_TRY_ASSIGN(json * r, object_member(*m, "Replicated", "Spec.Mode"));
  (*r)["Replicas"] = *replicas;
  return {};
}

Result<void> write_node(json& spec, const std::optional<std::string>& node) {
  if (!node) return {};
  const std::string path = "Spec.TaskTemplate.Placement.Constraints";
  std::vector<std::string> constraints;
  json* placement = find_path(spec, {"TaskTemplate", "Placement"});
  if (placement != nullptr && !placement->is_null()) {
    if (!placement->is_object()) return fail("Spec.TaskTemplate.Placement: expected an object");
    auto list = placement->find("Constraints");
    if (list != placement->end() && !list->is_null()) {
      if (!list->is_array()) return fail(path + ": expected an array");
      for (const auto& c : *list) {
        if (!c.is_string()) return fail(path + ": expected an array of strings");
        constraints.push_back(c.get<std::string>());
      }
    }
  }
  std::vector<std::string> pinned = model::placement_constraints(constraints, *node);
  if (pinned == constraints) return {};
  SF_TRY_ASSIGN(json * tt, object_member(spec, "TaskTemplate", "Spec"));
  SF_TRY_ASSIGN(json * p, object_member(*tt, "Placement", "Spec.TaskTemplate"));
  if (pinned.empty()) {
    p->erase("Constraints");
  } else {
    (*p)["Constraints"] = pinned;
  }
  return {};
}

Result<void> write_labels(json& spec, const Labels& labels) {
  if (labels.empty()) return {};
  SF_TRY_ASSIGN(json * l, object_member(spec, "Labels", "Spec"));
  for (const auto& [key, value] : labels) {
    if (value.empty()) l->erase(key);  // "" removes: a label that would be untrue now
    else (*l)[key] = value;
  }
  return {};
}

/// Where each owned field lives in a Spec: the Docker side of kOwnedFields.
Result<void> write_field(json& spec, const model::OwnedFields& d, model::OwnedField f) {
  switch (f) {
    case model::OwnedField::replicas:
      return write_replicas(spec, d.replicas);
    case model::OwnedField::limits_cpus:
      return write_resource(spec, "Limits", "NanoCPUs", d.limits.nano_cpus);
    case model::OwnedField::limits_memory:
      return write_resource(spec, "Limits", "MemoryBytes", d.limits.memory_bytes);
    case model::OwnedField::reservations_cpus:
      return write_resource(spec, "Reservations", "NanoCPUs", d.reservations.nano_cpus);
    case model::OwnedField::reservations_memory:
      return write_resource(spec, "Reservations", "MemoryBytes", d.reservations.memory_bytes);
    case model::OwnedField::node:
      return write_node(spec, d.node);
  }
  std::unreachable();
}

Result<json> rewrite(const json& live_spec, const model::OwnedFields& desired, const Labels& labels) {
  if (!live_spec.is_object()) return fail("Spec: expected an object");
  json spec = live_spec;
  for (model::OwnedField f : model::kOwnedFields) SF_TRY(write_field(spec, desired, f));
  SF_TRY(write_labels(spec, labels));
  return spec;
}

}  // namespace

Result<nlohmann::json> rewrite_spec(const nlohmann::json& live_spec, const model::OwnedFields& desired,
                                    const Labels& labels_to_set) {
  // Checked above; the guard keeps any exception of the JSON library inside.
  try {
    return rewrite(live_spec, desired, labels_to_set);
  } catch (const std::exception& e) {
    return fail(fmt::format("rewriting the service spec: {}", e.what()));
  }
}

}  // namespace swarmform::engine
