#include "reconciler/apply/change_steps.h"

#include "reconciler/apply/applied_labels.h"
#include "reconciler/apply/service_update.h"
#include "reconciler/apply/stale_check.h"
#include "reconciler/engine/spec_create.h"
#include "reconciler/model/owned_fields.h"

namespace swarmform::apply {

Result<Posted> delete_step(engine::DockerClient& client, const plan::ServiceChange& c, const model::LiveState& live) {
  const model::LiveService* s = find_live(live, c.live_id);
  auto done = delete_service(client, c.live_id, s ? model::owned_fields_of(*s) : model::OwnedFields{});
  if (!done) return std::unexpected(done.error());
  return Posted{"- " + c.name + ": deleted", {}, true};
}

Result<Posted> create_step(engine::DockerClient& client, const plan::Plan& plan, const plan::ServiceChange& c) {
  auto created = create_service(client, engine::create_spec(*c.create, c.live_name, c.desired), applied_labels(plan, c));
  if (!created) return std::unexpected(created.error());
  return Posted{"+ " + c.name + ": created", std::move(*created), true};
}

Result<Posted> update_step(engine::DockerClient& client, const plan::Plan& plan, const plan::ServiceChange& c,
                           const model::LiveState& live) {
  const model::LiveService* s = find_live(live, c.live_id);
  if (s == nullptr) return std::unexpected(Error{ErrorKind::not_found, c.name + ": not in the swarm any more"});
  // Guard only what this change writes: an undeclared field (replicas
  // scaled by someone else) is not ours to defend.
  const model::OwnedFields before = model::only_owned_by(model::owned_fields_of(*s), c.desired);
  auto updated = update_service(client, c.live_id, before, c.desired, applied_labels(plan, c));
  if (!updated) return std::unexpected(updated.error());
  bool posted = updated->posted;
  std::string line = "~ " + c.name + (posted ? ": updated" : ": already as planned, nothing posted") +
                     (updated->attempts > 1 ? " (after " + std::to_string(updated->attempts - 1) + " version retries)"
                                            : "");
  return Posted{std::move(line), std::move(updated->service), posted};
}

}  // namespace swarmform::apply
