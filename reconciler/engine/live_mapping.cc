#include "reconciler/engine/live_mapping.h"

#include <fmt/format.h>

#include <exception>

#include "reconciler/engine/json_field.h"
#include "reconciler/engine/spec_owned.h"

namespace swarmform::engine {
namespace {

Result<JsonField> object_root(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) return fail(path + ": expected an object");
  return JsonField(&j, path);
}

Result<std::vector<model::LiveMount>> map_mounts(const JsonField& mounts) {
  std::vector<model::LiveMount> out;
  SF_TRY_ASSIGN(std::vector<JsonField> items, mounts.elements());
  for (const auto& m : items) {
    if (!m.present() || !m.json().is_object()) return fail(m.path() + ": expected an object");
    model::LiveMount mount;
    SF_TRY_ASSIGN(mount.type, m.string_at({"Type"}));
    SF_TRY_ASSIGN(mount.source, m.string_at({"Source"}));
    SF_TRY_ASSIGN(mount.target, m.string_at({"Target"}));
    SF_TRY_ASSIGN(mount.volume_driver, m.string_at({"VolumeOptions", "DriverConfig", "Name"}));
    out.push_back(std::move(mount));
  }
  return out;
}

Result<model::LiveService> map_service_fields(const JsonField& s) {
  model::LiveService out;
  SF_TRY_ASSIGN(JsonField id, s.at({"ID"}));
  SF_TRY(id.required());
  SF_TRY_ASSIGN(out.id, id.string());
  SF_TRY_ASSIGN(out.version_index, s.uint64_at({"Version", "Index"}));
  SF_TRY_ASSIGN(JsonField spec, s.at({"Spec"}));
  SF_TRY_ASSIGN(JsonField name, spec.at({"Name"}));
  SF_TRY(name.required());
  SF_TRY_ASSIGN(out.name, name.string());
  SF_TRY(read_owned_members(spec, &out));
  SF_TRY_ASSIGN(JsonField task, spec.at({"TaskTemplate"}));
  SF_TRY_ASSIGN(JsonField labels, spec.at({"Labels"}));
  SF_TRY_ASSIGN(out.labels, labels.string_map());
  SF_TRY_ASSIGN(JsonField mounts, task.at({"ContainerSpec", "Mounts"}));
  SF_TRY_ASSIGN(out.mounts, map_mounts(mounts));
  SF_TRY_ASSIGN(out.image, task.string_at({"ContainerSpec", "Image"}));
  SF_TRY_ASSIGN(out.running_tasks, s.uint64_at({"ServiceStatus", "RunningTasks"}));
  SF_TRY_ASSIGN(out.desired_tasks, s.uint64_at({"ServiceStatus", "DesiredTasks"}));
  // The engine validated its own strings; replace keeps dump() from throwing regardless.
  out.spec_json = spec.present()
                      ? spec.json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                      : "{}";
  return out;
}

/// Runs `map` and turns any nlohmann exception that escapes it into an Error
/// at `path`, so that no exception crosses this module's boundary.
template <class F>
auto guarded(const std::string& path, F&& map) -> decltype(map()) {
  try {
    return map();
  } catch (const std::exception& e) {
    return fail(fmt::format("{}: {}", path, e.what()));
  }
}

template <class T, class MapOne>
Result<std::vector<T>> map_array(const nlohmann::json& list, const char* name, MapOne map_one) {
  if (!list.is_array()) return fail(fmt::format("{}: expected an array", name));
  std::vector<T> out;
  out.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    SF_TRY_ASSIGN(T item, map_one(list[i], fmt::format("{}[{}]", name, i)));
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace

Result<model::LiveNode> map_node(const nlohmann::json& node, const std::string& path) {
  return guarded(path, [&]() -> Result<model::LiveNode> {
    SF_TRY_ASSIGN(JsonField n, object_root(node, path));
    model::LiveNode out;
    SF_TRY_ASSIGN(JsonField id, n.at({"ID"}));
    SF_TRY(id.required());
    SF_TRY_ASSIGN(out.id, id.string());
    SF_TRY_ASSIGN(out.hostname, n.string_at({"Description", "Hostname"}));
    SF_TRY_ASSIGN(out.role, n.string_at({"Spec", "Role"}));
    SF_TRY_ASSIGN(out.availability, n.string_at({"Spec", "Availability"}));
    SF_TRY_ASSIGN(out.state, n.string_at({"Status", "State"}));
    SF_TRY_ASSIGN(out.address, n.string_at({"Status", "Addr"}));
    SF_TRY_ASSIGN(JsonField resources, n.at({"Description", "Resources"}));
    SF_TRY_ASSIGN(auto capacity, read_resources(resources));
    out.nano_cpus = capacity.nano_cpus;
    out.memory_bytes = capacity.memory_bytes;
    SF_TRY_ASSIGN(JsonField labels, n.at({"Spec", "Labels"}));
    SF_TRY_ASSIGN(out.labels, labels.string_map());
    return out;
  });
}

Result<model::LiveService> map_service(const nlohmann::json& service, const std::string& path) {
  return guarded(path, [&]() -> Result<model::LiveService> {
    SF_TRY_ASSIGN(JsonField s, object_root(service, path));
    return map_service_fields(s);
  });
}

Result<model::LiveTask> map_task(const nlohmann::json& task, const std::string& path) {
  return guarded(path, [&]() -> Result<model::LiveTask> {
    SF_TRY_ASSIGN(JsonField t, object_root(task, path));
    model::LiveTask out;
    SF_TRY_ASSIGN(JsonField id, t.at({"ID"}));
    SF_TRY(id.required());
    SF_TRY_ASSIGN(out.id, id.string());
    SF_TRY_ASSIGN(out.service_id, t.string_at({"ServiceID"}));
    SF_TRY_ASSIGN(out.node_id, t.string_at({"NodeID"}));
    SF_TRY_ASSIGN(out.slot, t.uint64_at({"Slot"}));
    SF_TRY_ASSIGN(out.desired_state, t.string_at({"DesiredState"}));
    SF_TRY_ASSIGN(out.state, t.string_at({"Status", "State"}));
    SF_TRY_ASSIGN(out.message, t.string_at({"Status", "Message"}));
    SF_TRY_ASSIGN(out.error, t.string_at({"Status", "Err"}));
    SF_TRY_ASSIGN(out.version_index, t.uint64_at({"Version", "Index"}));
    return out;
  });
}

Result<std::vector<model::LiveNode>> map_nodes(const nlohmann::json& nodes) {
  return map_array<model::LiveNode>(nodes, "nodes", map_node);
}

Result<std::vector<model::LiveService>> map_services(const nlohmann::json& services) {
  return map_array<model::LiveService>(services, "services", map_service);
}

Result<std::vector<model::LiveTask>> map_tasks(const nlohmann::json& tasks) {
  return map_array<model::LiveTask>(tasks, "tasks", map_task);
}

}  // namespace swarmform::engine
