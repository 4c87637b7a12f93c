#include "reconciler/dokploy/stored_changes.h"

#include <algorithm>

#include "reconciler/model/placement.h"

namespace swarmform::dokploy {

model::OwnedFields stored_owned(const StoredApplication& app) {
  model::OwnedFields f;
  f.replicas = static_cast<uint64_t>(std::max<int64_t>(app.replicas, 0));
  f.limits.nano_cpus = app.cpu_limit.value_or(0);
  f.limits.memory_bytes = app.memory_limit.value_or(0);
  f.reservations.nano_cpus = app.cpu_reservation.value_or(0);
  f.reservations.memory_bytes = app.memory_reservation.value_or(0);
  f.node = "";
  for (const auto& c : app.constraints) {
    if (auto n = model::pinned_node(c)) {
      f.node = *n;
      break;
    }
  }
  return f;
}

ApplicationUpdate update_for(const StoredApplication& app, const model::OwnedFields& desired) {
  using model::OwnedField;
  model::OwnedFields stored = stored_owned(app);
  ApplicationUpdate u;
  u.application_id = app.application_id;
  for (OwnedField f : model::kOwnedFields) {
    if (!model::owns(desired, f) || model::same_value(desired, stored, f)) continue;
    switch (f) {
      case OwnedField::replicas: u.replicas = static_cast<int64_t>(*desired.replicas); break;
      case OwnedField::limits_cpus: u.cpu_limit = *desired.limits.nano_cpus; break;
      case OwnedField::limits_memory: u.memory_limit = *desired.limits.memory_bytes; break;
      case OwnedField::reservations_cpus: u.cpu_reservation = *desired.reservations.nano_cpus; break;
      case OwnedField::reservations_memory: u.memory_reservation = *desired.reservations.memory_bytes; break;
      case OwnedField::node: {
        nlohmann::json placement = app.placement.is_object() ? app.placement : nlohmann::json::object();
        placement["Constraints"] = model::placement_constraints(app.constraints, *desired.node);
        u.placement = placement;
        break;
      }
    }
  }
  return u;
}

void add_stored_changes(plan::Plan& plan, const model::LiveState& live, const Inventory& inventory) {
  for (const auto& sc : plan.services) {
    if (sc.action == plan::Action::create || sc.action == plan::Action::remove) continue;
    if (const StoredApplication* app = inventory.application(sc.live_name)) {
      model::OwnedFields stored = stored_owned(*app);
      plan::StoredChange change;
      change.service = sc.name;
      change.live_name = sc.live_name;
      change.record_id = app->application_id;
      for (model::OwnedField f : model::kOwnedFields) {
        if (!model::owns(sc.desired, f) || model::same_value(sc.desired, stored, f)) continue;
        change.changes.push_back({std::string(model::owned_field_name(f)),
                                  model::owned_field_text(stored, f).value_or("none"),
                                  model::owned_field_text(sc.desired, f).value_or("none"),
                                  model::in_task_template(f)});
      }
      if (!change.changes.empty()) plan.stored.push_back(std::move(change));
      continue;
    }
    // A compose service swarmform leaves as it is needs no word; one it is
    // about to change would be changed back by the stack's next deploy.
    if (sc.action != plan::Action::update) continue;
    for (const auto& ls : live.services) {
      if (ls.name != sc.live_name) continue;
      auto ns = ls.labels.find(kStackNamespaceLabel);
      if (ns == ls.labels.end()) break;
      if (const StoredCompose* c = inventory.compose(ns->second)) {
        plan.findings.push_back(
            {model::Severity::warning, sc.name,
             "Dokploy deploys it as part of compose '" + c->name + "' (" + c->app_name +
                 "): its limits, reservations, replicas and placement live in that compose file, " + c->compose_path +
                 ", which swarmform does not write; change them there too, or Dokploy's next deploy of the stack "
                 "reverts what apply sets"});
      }
      break;
    }
  }
}

}  // namespace swarmform::dokploy
