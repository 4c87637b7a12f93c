#include "reconciler/cli/dokploy_step.h"

#include <spdlog/spdlog.h>

#include "reconciler/dokploy/stored_changes.h"

namespace swarmform::cli {

Result<std::optional<dokploy::Inventory>> read_dokploy(const model::DesiredState& state,
                                                      const ConnectionOptions& connection, plan::Plan* plan) {
  if (!state.dokploy) return std::optional<dokploy::Inventory>{};
  const std::string skipped =
      "integrations.dokploy skipped (--skip-dokploy): Dokploy's stored values at " + state.dokploy->url +
      " are neither compared nor written, so its next deploy may revert what swarmform applies";
  if (connection.skip_dokploy) {
    spdlog::warn("{}", skipped);
    if (plan) plan->findings.push_back({model::Severity::warning, "dokploy", skipped});
    return std::optional<dokploy::Inventory>{};
  }
  auto client = dokploy::Client::create(*state.dokploy);
  if (!client) return fail(client.error().message);
  spdlog::debug("reading Dokploy's applications from {}", client->shown_url());
  auto inventory = client->inventory();
  if (!inventory) {
    return fail(Error{inventory.error().kind,
                      inventory.error().message +
                          "; nothing was changed (pass --skip-dokploy to go on without Dokploy, which its next "
                          "deploy may then undo)",
                      inventory.error().http_status});
  }
  spdlog::debug("Dokploy at {}: {} applications, {} compose services", client->shown_url(),
                inventory->applications.size(), inventory->composes.size());
  return std::optional<dokploy::Inventory>{std::move(*inventory)};
}

Result<void> add_dokploy_to_plan(plan::Plan& plan, const model::DesiredState& state, const model::LiveState& live,
                                 const ConnectionOptions& connection) {
  SF_TRY_ASSIGN(auto inventory, read_dokploy(state, connection, &plan));
  if (inventory) dokploy::add_stored_changes(plan, live, *inventory);
  return {};
}


Result<DokployWrites> write_dokploy_first(const plan::Plan& plan, const model::DesiredState& state,
                                          const ConnectionOptions& connection, std::ostream& out,
                                          const render::Style& style) {
  DokployWrites writes;
  if (!state.dokploy || connection.skip_dokploy) return writes;  // read_dokploy said it loudly at plan time
  auto client = dokploy::Client::create(*state.dokploy);
  if (!client) return fail(client.error().message + "; nothing was applied");
  auto inventory = client->inventory();
  if (!inventory) {
    return fail(inventory.error().message +
                "; nothing was applied (pass --skip-dokploy to apply without Dokploy, which its next deploy may "
                "then undo)");
  }
  for (const auto& sc : plan.services) {
    if (sc.action == plan::Action::create || sc.action == plan::Action::remove) continue;
    const dokploy::StoredApplication* app = inventory->application(sc.live_name);
    if (app == nullptr) continue;
    dokploy::ApplicationUpdate update = dokploy::update_for(*app, sc.desired);
    if (update.empty()) continue;
    auto done = client->update(update);
    if (!done) {
      writes.failed[sc.name] = done.error().message;
      out << style.red("  ! " + sc.name + ": Dokploy's stored values not written; the service is left unchanged") << "\n";
      continue;
    }
    writes.written.push_back(sc.name);
    out << "  ~ " << sc.name << ": Dokploy's stored values written (application.update " << app->application_id
        << ")\n";
  }
  out << std::flush;
  return writes;
}

std::vector<std::string> mark_dokploy_managed(adopt::ImportResult& result, const dokploy::Inventory& inventory,
                                              bool from_dokploy) {
  std::vector<std::string> notes;
  for (auto& s : result.services) {
    const dokploy::StoredApplication* app = inventory.application(s.live_name);
    if (app == nullptr) continue;
    s.managed_by_comment = "managed by Dokploy (application " + app->application_id +
                           "): apply writes these values to Dokploy too (integrations.dokploy)";
    // The fields import wrote from the live service, and Dokploy's.
    model::OwnedFields live_fields{.replicas = s.replicas, .limits = s.limits, .reservations = s.reservations};
    model::OwnedFields stored = dokploy::stored_owned(*app);
    std::vector<std::string> differ;
    for (model::OwnedField f : {model::OwnedField::replicas, model::OwnedField::limits_cpus,
                                model::OwnedField::limits_memory, model::OwnedField::reservations_cpus,
                                model::OwnedField::reservations_memory}) {
      if (f == model::OwnedField::replicas && !s.replicas) continue;  // global service or job: not owned
      auto live_text = model::owned_field_text(live_fields, f).value_or("none");
      auto stored_text = model::owned_field_text(stored, f).value_or("none");
      if (live_text == stored_text) continue;
      differ.push_back(std::string(model::owned_field_name(f)) + " live " + live_text + ", Dokploy " + stored_text);
    }
    if (differ.empty()) continue;
    std::string list;
    for (const auto& d : differ) list += (list.empty() ? "" : "; ") + d;
    if (!from_dokploy) {
      notes.push_back("service " + s.key + ": took the live values, Dokploy stores others (" + list +
                      "); pass --from-dokploy to take Dokploy's");
      continue;
    }
    if (s.replicas) s.replicas = stored.replicas;
    auto keep = [](int64_t v) { return v > 0 ? std::optional<int64_t>(v) : std::nullopt; };
    s.limits = {keep(*stored.limits.nano_cpus), keep(*stored.limits.memory_bytes)};
    s.reservations = {keep(*stored.reservations.nano_cpus), keep(*stored.reservations.memory_bytes)};
    s.limits_comment = adopt::missing_limits_comment(s.limits);
    notes.push_back("service " + s.key + ": took Dokploy's stored values (--from-dokploy) where they differ from the "
                    "live ones (" + list + ")");
  }
  return notes;
}

plan::Plan without_failed_writes(const plan::Plan& plan, const DokployWrites& writes) {
  if (writes.failed.empty()) return plan;
  plan::Plan out = plan;
  std::erase_if(out.services, [&](const plan::ServiceChange& c) { return writes.failed.contains(c.name); });
  return out;
}

}  // namespace swarmform::cli
