#include "reconciler/dokploy/stored.h"

#include <charconv>
#include <limits>
#include <string_view>

#include "reconciler/model/quantity.h"
#include "reconciler/model/replicas.h"
#include "reconciler/util/json_depth.h"

namespace swarmform::dokploy {
namespace {

using nlohmann::json;

Result<json> parse_body(const std::string& body, const char* what) {
  // Outside bytes: bounded before parsing, as engine answers are (json_depth.h),
  // since dump() and nlohmann's other readers recurse once per level.
  if (!json_depth_within(body)) {
    return fail(std::string("Dokploy's answer to ") + what + " is nested deeper than " +
                std::to_string(kMaxJsonDepth) + " levels");
  }
  try {
    return json::parse(body);
  } catch (const json::exception& e) {
    return fail(std::string("Dokploy's answer to ") + what + " is not JSON: " + e.what());
  }
}

/// A text column holding an integer (nano-CPUs or bytes): null, absent or ""
/// is "none", as calculateResources reads it; anything but digits is an
/// error rather than a guess (parseInt would read "1.5" as 1), and so is a
/// value past the model's bound for it (model::kMaxNanoCpus, kMaxMemoryBytes),
/// as for the engine's quantities: the totals built from them must not wrap.
Result<std::optional<int64_t>> stored_integer(const json& row, const char* field) {
  const bool cpus = std::string_view(field).starts_with("cpu");
  auto it = row.find(field);
  if (it == row.end() || it->is_null()) return std::optional<int64_t>{};
  if (!it->is_string()) {
    return fail(std::string("Dokploy's ") + field + " is not a string (the column is text)");
  }
  const std::string& s = it->get_ref<const std::string&>();
  if (s.empty()) return std::optional<int64_t>{};
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || v < 0) {
    return fail(std::string("Dokploy's ") + field + " '" + s + "' is not a whole number of " +
                (cpus ? "nano-CPUs" : "bytes"));
  }
  if (const int64_t max = cpus ? model::kMaxNanoCpus : model::kMaxMemoryBytes; v > max) {
    return fail(std::string("Dokploy's ") + field + " '" + s + "' is more than " +
                (cpus ? model::format_cpus(max) + " CPUs" : model::format_memory(max)));
  }
  return std::optional<int64_t>{v};
}

std::string string_field(const json& row, const char* field) {
  auto it = row.find(field);
  return it != row.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

void collect_ids(const json& holder, ProjectIds& ids) {
  auto take = [&](const char* list, const char* id, std::vector<std::string>& into) {
    auto it = holder.find(list);
    if (it == holder.end() || !it->is_array()) return;
    for (const auto& item : *it) {
      if (item.is_object()) {
        if (std::string v = string_field(item, id); !v.empty()) into.push_back(v);
      }
    }
  };
  take("applications", "applicationId", ids.application_ids);
  take("compose", "composeId", ids.compose_ids);
}

}  // namespace

const StoredApplication* Inventory::application(const std::string& app_name) const {
  for (const auto& a : applications) {
    if (a.app_name == app_name) return &a;
  }
  return nullptr;
}

const StoredCompose* Inventory::compose(const std::string& app_name) const {
  for (const auto& c : composes) {
    if (c.app_name == app_name) return &c;
  }
  return nullptr;
}

Result<ProjectIds> parse_project_all(const std::string& body) {
  SF_TRY_ASSIGN(json doc, parse_body(body, "project.all"));
  if (!doc.is_array()) return fail("Dokploy's answer to project.all is not a list of projects");
  ProjectIds ids;
  for (const auto& project : doc) {
    if (!project.is_object()) continue;
    collect_ids(project, ids);
    if (auto envs = project.find("environments"); envs != project.end() && envs->is_array()) {
      for (const auto& env : *envs) {
        if (env.is_object()) collect_ids(env, ids);
      }
    }
  }
  return ids;
}

Result<StoredApplication> parse_application(const std::string& body) {
  SF_TRY_ASSIGN(json row, parse_body(body, "application.one"));
  if (!row.is_object()) return fail("Dokploy's answer to application.one is not an application");
  StoredApplication a;
  a.application_id = string_field(row, "applicationId");
  a.app_name = string_field(row, "appName");
  a.name = string_field(row, "name");
  if (a.application_id.empty() || a.app_name.empty()) {
    return fail("Dokploy's answer to application.one has no applicationId or appName");
  }
  auto where = [&](const Error& e) { return e.wrap("application " + a.app_name); };
  auto read = [&](const char* field, std::optional<int64_t>& into) -> Result<void> {
    auto v = stored_integer(row, field);
    if (!v) return fail(where(v.error()));
    into = *v;
    return {};
  };
  SF_TRY(read("cpuLimit", a.cpu_limit));
  SF_TRY(read("memoryLimit", a.memory_limit));
  SF_TRY(read("cpuReservation", a.cpu_reservation));
  SF_TRY(read("memoryReservation", a.memory_reservation));
  if (auto it = row.find("replicas"); it != row.end() && !it->is_null()) {
    if (!it->is_number_integer()) return fail("application " + a.app_name + ": Dokploy's replicas is not an integer");
    // Not negative, and within int64 (get<int64_t> would read 2^64 - 1 as -1).
    const bool count = it->is_number_unsigned()
                           ? it->get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                           : it->get<int64_t>() >= 0;
    if (!count) {
      return fail("application " + a.app_name + ": Dokploy's replicas " + it->dump() +
                  " is not a number of replicas (a whole number from 0)");
    }
    a.replicas = it->get<int64_t>();
    // What import --from-dokploy writes must load: the desired state's bound.
    if (a.replicas > model::kMaxReplicas) {
      return fail("application " + a.app_name + ": Dokploy's replicas " + it->dump() + " is more than " +
                  std::to_string(model::kMaxReplicas));
    }
  }
  if (auto it = row.find("placementSwarm"); it != row.end() && it->is_object()) {
    a.placement = *it;
    if (auto c = it->find("Constraints"); c != it->end() && c->is_array()) {
      for (const auto& x : *c) {
        if (x.is_string()) a.constraints.push_back(x.get<std::string>());
      }
    }
  }
  return a;
}

Result<StoredCompose> parse_compose(const std::string& body) {
  SF_TRY_ASSIGN(json row, parse_body(body, "compose.one"));
  if (!row.is_object()) return fail("Dokploy's answer to compose.one is not a compose service");
  StoredCompose c;
  c.compose_id = string_field(row, "composeId");
  c.app_name = string_field(row, "appName");
  c.name = string_field(row, "name");
  c.compose_path = string_field(row, "composePath");
  if (c.compose_path.empty()) c.compose_path = "./docker-compose.yml";  // the column's default
  if (c.compose_id.empty() || c.app_name.empty()) {
    return fail("Dokploy's answer to compose.one has no composeId or appName");
  }
  return c;
}

json update_body(const ApplicationUpdate& u) {
  json body{{"applicationId", u.application_id}};
  auto put = [&](const char* field, const std::optional<int64_t>& v) {
    if (v) body[field] = std::to_string(*v);
  };
  put("cpuLimit", u.cpu_limit);
  put("memoryLimit", u.memory_limit);
  put("cpuReservation", u.cpu_reservation);
  put("memoryReservation", u.memory_reservation);
  if (u.replicas) body["replicas"] = *u.replicas;
  if (u.placement) body["placementSwarm"] = *u.placement;
  return body;
}

}  // namespace swarmform::dokploy
