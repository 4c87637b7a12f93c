// Dokploy's answers -> its stored values, as the dokploy client reads them:
// the body is given to each of dokploy/stored.h's readers (project.all,
// application.one, compose.one), each of which bounds its nesting and parses
// it.  A reader either fails with a message or gives values within the
// model's bounds: ids and names present, CPUs from 0 to model::kMaxNanoCpus,
// memory from 0 to kMaxMemoryBytes, replicas from 0 to kMaxReplicas, the constraints
// those of placementSwarm.  A stored application then reads as swarmform
// does in plan and apply (stored_owned, every field as text, update_for):
// it agrees with its own values (no update), and what application.update
// would write of all of them reads back as the same application.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "fuzz/fuzz_check.h"
#include "reconciler/dokploy/stored.h"
#include "reconciler/dokploy/stored_changes.h"
#include "reconciler/model/owned_fields.h"
#include "reconciler/model/quantity.h"
#include "reconciler/model/replicas.h"

namespace {

using namespace swarmform;

template <typename T>
void check_error(const Result<T>& r, const char* reader) {
  if (!r && r.error().message.empty()) fuzz::broken("an error without a message", reader);
}

bool within(const std::optional<int64_t>& v, int64_t max) { return !v || (*v >= 0 && *v <= max); }

void check_project_ids(const dokploy::ProjectIds& ids) {
  for (const auto& id : ids.application_ids) {
    if (id.empty()) fuzz::broken("project.all listed an empty applicationId");
  }
  for (const auto& id : ids.compose_ids) {
    if (id.empty()) fuzz::broken("project.all listed an empty composeId");
  }
}

void check_application(const dokploy::StoredApplication& a) {
  if (a.application_id.empty() || a.app_name.empty()) fuzz::broken("an application without applicationId or appName");
  if (!within(a.cpu_limit, model::kMaxNanoCpus) || !within(a.cpu_reservation, model::kMaxNanoCpus)) {
    fuzz::broken("stored CPUs outside 0..kMaxNanoCpus", a.app_name);
  }
  if (!within(a.memory_limit, model::kMaxMemoryBytes) || !within(a.memory_reservation, model::kMaxMemoryBytes)) {
    fuzz::broken("stored memory outside 0..kMaxMemoryBytes", a.app_name);
  }
  if (a.replicas < 0 || a.replicas > model::kMaxReplicas) {
    fuzz::broken("stored replicas out of bounds", std::to_string(a.replicas));
  }
  if (!a.placement.is_null() && !a.placement.is_object()) fuzz::broken("placementSwarm kept but not an object");
  if (!a.constraints.empty() && !a.placement.is_object()) fuzz::broken("constraints without a placementSwarm");

  // As plan reads it: every owned field as text (the plan's stored column).
  model::OwnedFields stored = dokploy::stored_owned(a);
  for (model::OwnedField f : model::kOwnedFields) {
    if (!model::owned_field_text(stored, f)) fuzz::broken("a stored owned field without its text");
  }
  // Dokploy storing exactly what is desired needs no write.
  if (!dokploy::update_for(a, stored).empty()) fuzz::broken("an application disagrees with its own stored values");

  // What apply would write of every field reads back as the same application.
  dokploy::ApplicationUpdate u;
  u.application_id = a.application_id;
  u.cpu_limit = a.cpu_limit;
  u.memory_limit = a.memory_limit;
  u.cpu_reservation = a.cpu_reservation;
  u.memory_reservation = a.memory_reservation;
  u.replicas = a.replicas;
  u.placement = a.placement;
  nlohmann::json row = dokploy::update_body(u);
  row["appName"] = a.app_name;
  row["name"] = a.name;
  auto back = dokploy::parse_application(row.dump());
  if (!back) fuzz::broken("what application.update writes does not read back", back.error().message);
  if (!(*back == a)) fuzz::broken("what application.update writes reads back different", row.dump());
}

void check_compose(const dokploy::StoredCompose& c) {
  if (c.compose_id.empty() || c.app_name.empty()) fuzz::broken("a compose without composeId or appName");
  if (c.compose_path.empty()) fuzz::broken("a compose without its file");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  // The readers return errors as values: nothing may escape them.
  try {
    auto ids = dokploy::parse_project_all(body);
    check_error(ids, "project.all");
    if (ids) check_project_ids(*ids);

    auto app = dokploy::parse_application(body);
    check_error(app, "application.one");
    if (app) check_application(*app);

    auto compose = dokploy::parse_compose(body);
    check_error(compose, "compose.one");
    if (compose) check_compose(*compose);
  } catch (const std::exception& e) {
    fuzz::broken("an exception escaped", e.what());
  } catch (...) {
    fuzz::broken("an exception escaped");
  }
  return 0;
}
