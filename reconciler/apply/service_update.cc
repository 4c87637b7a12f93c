#include "reconciler/apply/service_update.h"

#include <fmt/format.h>

#include <utility>

#include "reconciler/engine/json_field.h"
#include "reconciler/engine/spec_owned.h"
#include "reconciler/engine/spec_rewrite.h"

namespace swarmform::apply {
namespace {

using engine::JsonField;
using nlohmann::json;

/// What update and delete need of a fresh `GET /services/{id}`.
struct FreshRead {
  json service;
  std::string id;
  std::string name;
  uint64_t version = 0;
  model::OwnedFields owned;
};

Result<FreshRead> read_service(engine::DockerClient& client, const std::string& service_id) {
  auto inspected = client.inspect_service(service_id);
  if (!inspected) return fail(inspected.error().wrap("reading service " + service_id));
  FreshRead out;
  out.service = std::move(*inspected);
  JsonField s(&out.service, "service " + service_id);
  SF_TRY_ASSIGN(JsonField id, s.at({"ID"}));
  SF_TRY(id.required());
  SF_TRY_ASSIGN(out.id, id.string());
  SF_TRY_ASSIGN(out.name, s.string_at({"Spec", "Name"}, service_id));
  SF_TRY_ASSIGN(out.version, s.uint64_at({"Version", "Index"}));
  SF_TRY_ASSIGN(JsonField spec, s.at({"Spec"}));
  SF_TRY(spec.required());
  auto owned = engine::read_owned_fields(spec.json());
  if (!owned) return fail(owned.error().wrap(out.name));
  out.owned = std::move(*owned);
  return out;
}

/// The "still as planned" guard.
Result<void> check_as_planned(const FreshRead& fresh, const model::OwnedFields& expected_before,
                              std::string_view refused) {
  std::vector<std::string> moved = model::owned_field_changes(expected_before, fresh.owned);
  if (moved.empty()) return {};
  return fail(fmt::format("{}: changed since the plan (planned -> now): {}; {}", fresh.name,
                          fmt::join(moved, "; "), refused),
              ErrorKind::conflict);
}

/// Fails (ErrorKind::conflict) when the owned fields of `service`, read just
/// after our update, are not those of the spec we posted: someone else
/// changed it in between.
Result<void> check_as_written(const std::string& name, const json& posted, const json& service) {
  auto written = engine::read_owned_fields(posted);
  if (!written) return fail(written.error().wrap(name));
  auto it = service.is_object() ? service.find("Spec") : service.end();
  if (!service.is_object() || it == service.end()) {
    return fail(name + ": the service read after its update has no Spec");
  }
  auto now = engine::read_owned_fields(*it);
  if (!now) return fail(now.error().wrap(name));
  std::vector<std::string> moved = model::owned_field_changes(*written, *now);
  if (moved.empty()) return {};
  return fail(fmt::format("{}: changed by someone else during apply (written -> now): {}", name,
                          fmt::join(moved, "; ")),
              ErrorKind::conflict);
}

std::vector<std::string> warnings_of(const json& answer) {
  std::vector<std::string> out;
  auto it = answer.is_object() ? answer.find("Warnings") : answer.end();
  if (!answer.is_object() || it == answer.end() || !it->is_array()) return out;
  for (const auto& w : *it) {
    if (w.is_string()) out.push_back(w.get<std::string>());
  }
  return out;
}

}  // namespace

Result<UpdateOutcome> update_service(engine::DockerClient& client, const std::string& service_id,
                                     const model::OwnedFields& expected_before, const model::OwnedFields& desired,
                                     const engine::Labels& labels) {
  UpdateOutcome out;
  for (int retry = 0;; ++retry) {
    SF_TRY_ASSIGN(FreshRead fresh, read_service(client, service_id));
    out.service_id = fresh.id;
    out.service_name = fresh.name;
    out.before = fresh.owned;
    SF_TRY(check_as_planned(fresh, expected_before, "not updated"));
    const json& live_spec = fresh.service["Spec"];
    auto spec = engine::rewrite_spec(live_spec, desired, labels);
    if (!spec) return fail(spec.error().wrap(fresh.name));
    if (*spec == live_spec) {
      out.service = std::move(fresh.service);
      return out;
    }
    ++out.attempts;
    auto answer = client.update_service(fresh.id, fresh.version, *spec);
    if (!answer) {
      const Error& e = answer.error();
      if (e.kind != ErrorKind::conflict) return fail(e.wrap("updating " + fresh.name));
      if (retry < kMaxUpdateRetries) continue;
      return fail(fmt::format("updating {}: the engine answered \"update out of sequence\" {} "
                              "times in a row (the service keeps changing); not updated: {}",
                              fresh.name, out.attempts, e.message),
                  ErrorKind::conflict);
    }
    out.posted = true;
    out.posted_version = fresh.version;
    out.warnings = warnings_of(*answer);
    auto after = client.inspect_service(fresh.id);
    if (!after) return fail(after.error().wrap("reading " + fresh.name + " after its update"));
    out.service = std::move(*after);
    // The wait compares later reads with this one: it must be what we wrote.
    SF_TRY(check_as_written(fresh.name, *spec, out.service));
    return out;
  }
}

Result<nlohmann::json> create_service(engine::DockerClient& client, const nlohmann::json& spec,
                                      const engine::Labels& labels) {
  auto labelled = engine::rewrite_spec(spec, {}, labels);
  std::string name = spec.is_object() && spec.contains("Name") && spec["Name"].is_string()
                         ? spec["Name"].get<std::string>()
                         : std::string("(unnamed service)");
  if (!labelled) return fail(labelled.error().wrap("creating " + name));
  auto id = client.create_service(*labelled);
  if (!id) return fail(id.error().wrap("creating " + name));
  auto created = client.inspect_service(*id);
  if (!created) return fail(created.error().wrap("reading " + name + " after its creation"));
  return std::move(*created);
}

Result<void> delete_service(engine::DockerClient& client, const std::string& service_id,
                            const model::OwnedFields& expected_before) {
  SF_TRY_ASSIGN(FreshRead fresh, read_service(client, service_id));
  SF_TRY(check_as_planned(fresh, expected_before, "not deleted"));
  auto deleted = client.delete_service(fresh.id);
  if (!deleted) return fail(deleted.error().wrap("deleting " + fresh.name));
  return {};
}

}  // namespace swarmform::apply
