#include "reconciler/apply/rollback.h"

#include <fmt/format.h>

#include "reconciler/apply/convergence_target.h"
#include "reconciler/apply/service_update.h"
#include "reconciler/engine/json_field.h"
#include "reconciler/engine/spec_owned.h"

namespace swarmform::apply {
namespace {

using engine::JsonField;
using nlohmann::json;

/// Posts the rollback once the guard passes; returns the owned fields of the
/// spec rolled back to.
Result<model::OwnedFields> post_rollback(engine::DockerClient& client, const std::string& service_id,
                                  const model::OwnedFields& expected_current, int* attempts) {
  for (int retry = 0;; ++retry) {
    auto service = client.inspect_service(service_id);
    if (!service) return fail(service.error().wrap("reading service " + service_id));
    JsonField s(&*service, "service " + service_id);
    SF_TRY_ASSIGN(std::string id, s.string_at({"ID"}, service_id));
    SF_TRY_ASSIGN(std::string name, s.string_at({"Spec", "Name"}, service_id));
    SF_TRY_ASSIGN(uint64_t version, s.uint64_at({"Version", "Index"}));
    SF_TRY_ASSIGN(JsonField spec, s.at({"Spec"}));
    SF_TRY(spec.required());
    SF_TRY_ASSIGN(JsonField previous, s.at({"PreviousSpec"}));
    if (!previous.present()) {
      return fail(fmt::format("{}: has no previous spec to roll back to", name));
    }
    auto current = engine::read_owned_fields(spec.json());
    if (!current) return fail(current.error().wrap(name));
    std::vector<std::string> moved = model::owned_field_changes(expected_current, *current);
    if (!moved.empty()) {
      return fail(fmt::format("{}: changed since the update (written -> now): {}; not rolled back",
                              name, fmt::join(moved, "; ")),
                  ErrorKind::conflict);
    }
    auto restored = engine::read_owned_fields(previous.json());
    if (!restored) return fail(restored.error().wrap(name + " (PreviousSpec)"));
    ++*attempts;
    auto answer = client.rollback_service(id, version, spec.json());
    if (answer) return std::move(*restored);
    if (answer.error().kind != ErrorKind::conflict) {
      return fail(answer.error().wrap("rolling back " + name));
    }
    if (retry >= kMaxUpdateRetries) {
      return fail(fmt::format("rolling back {}: \"update out of sequence\" {} times in a row; not "
                              "rolled back: {}",
                              name, *attempts, answer.error().message),
                  ErrorKind::conflict);
    }
  }
}

}  // namespace

Result<RollbackOutcome> rollback(engine::DockerClient& client, const std::string& service_id,
                                 const model::OwnedFields& expected_current,
                                 const ConvergenceOptions& options, const ProgressFn& progress) {
  RollbackOutcome out;
  SF_TRY_ASSIGN(model::OwnedFields restored,
                post_rollback(client, service_id, expected_current, &out.attempts));
  auto service = client.inspect_service(service_id);
  if (!service) return fail(service.error().wrap("reading " + service_id + " after its rollback"));
  out.service = std::move(*service);
  SF_TRY_ASSIGN(ConvergenceTarget target, convergence_target(out.service));
  auto now = engine::read_owned_fields(out.service["Spec"]);
  if (!now) return fail(now.error().wrap(target.service_name));
  out.restored = std::move(*now);
  if (out.restored != restored) {
    return fail(fmt::format("{}: after the rollback the spec holds {}, not the previous {}",
                            target.service_name, model::describe(out.restored), model::describe(restored)));
  }
  target.rollback = true;
  auto converged = wait_for_convergence(client, target, options, progress);
  if (!converged) {
    // The spec is back, its tasks are not: say so, never "rolled back".
    return fail(converged.error().wrap(target.service_name +
                                       ": previous spec restored, but its tasks did not start"));
  }
  out.converged = *converged;
  return out;
}

}  // namespace swarmform::apply
