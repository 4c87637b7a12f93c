#include "reconciler/plan/diff.h"

#include "reconciler/model/owned_fields.h"
#include "reconciler/model/placement.h"
#include "reconciler/plan/applied_label.h"
#include "reconciler/plan/drift.h"
#include "reconciler/plan/wording.h"

namespace swarmform::plan {
namespace {

/// Placement as people read it: the pinned hosts, else where the tasks run
/// "(not pinned)", else "none".
std::string placement_text(const model::LiveService& live, const Topology& topology) {
  std::vector<std::string> hosts = topology.placed_hosts(live);
  if (hosts.empty()) return "none";
  if (topology.pinned_nodes(live).empty()) return join(hosts, ",") + " (not pinned)";
  return join(hosts, ",");
}

/// A field change per owned field `desired` declares and `live` holds
/// otherwise (the node aside: placement reads as the host, above).
void field_changes(const model::OwnedFields& desired, const model::OwnedFields& live,
                   std::vector<FieldChange>& out) {
  for (model::OwnedField f : model::kOwnedFields) {
    if (f == model::OwnedField::node) continue;
    auto after = model::owned_field_text(desired, f);
    if (!after || model::same_value(desired, live, f)) continue;
    out.push_back({std::string(model::owned_field_name(f)), model::owned_field_text(live, f).value_or("none"), *after,
                   model::in_task_template(f)});
  }
}

Drift drift_of(const model::Service& service, const model::LiveService& live,
               const model::OwnedFields& desired, std::vector<Finding>& findings) {
  auto label = live.labels.find(kAppliedLabel);
  if (label == live.labels.end()) return Drift::none;
  Result<AppliedFields> applied = decode_applied(label->second);
  if (!applied) {
    findings.push_back({model::Severity::warning, service.name,
                        "its " + applied.error().message + "; who changed it cannot be told"});
    return Drift::none;
  }
  return attribute_drift(desired, live_owned(live, desired), applied->owned);
}

}  // namespace

ServiceChange diff_service(const model::Service& service, const model::Host* host,
                           const model::LiveService& live, const Topology& topology,
                           std::vector<Finding>& findings) {
  ServiceChange c;
  c.name = service.name;
  c.live_name = live.name;
  c.live_id = live.id;
  c.version_index = live.version_index;
  c.owned_hash = owned_hash(live);
  c.desired = desired_owned(service, host, live.global || !live.replicas);
  c.from_host = join(topology.placed_hosts(live), ",");

  if (host == nullptr) {
    // Not pinned in the desired state: its placement is not swarmform's, so
    // no host change is ever planned; it shows where its tasks run now.
    c.to_host = c.from_host.empty() ? kNotPinned : c.from_host;
  } else {
    c.desired_host = host->name;
    c.to_host = host->name;
    std::vector<std::string> pinned = topology.pinned_nodes(live);
    if (pinned.size() != 1 || pinned.front() != host->node) {
      c.changes.push_back({"host", placement_text(live, topology), host->name, true});
    } else if (!model::pinned_node_ids(live.constraints).empty()) {
      // Pinned to the declared node by its id: placed as declared.  The pin
      // is left as it is (rewriting it as node.hostname== would restart
      // every task for nothing), so the node is not written.
      c.desired.node.reset();
    }
  }
  if (service.replicas && !live.replicas) {
    findings.push_back({model::Severity::warning, service.name,
                        "declares replicas: " + std::to_string(*service.replicas) +
                            ", but the swarm runs it in " + live.mode +
                            " mode, which has no replica count: replicas are not compared"});
  }
  field_changes(c.desired, model::owned_fields_of(live), c.changes);

  c.tasks_before = topology.task_count(live);
  c.tasks_after = topology.task_count(model::with_owned(live, c.desired));
  if (c.changes.empty()) return c;
  c.action = Action::update;
  bool new_template = false;
  for (const auto& f : c.changes) new_template = new_template || f.restarts;
  c.restarts_tasks = new_template && std::min(c.tasks_before, c.tasks_after) > 0;
  c.drift = drift_of(service, live, c.desired, findings);
  return c;
}

std::string name_to_create(const model::Service& service) {
  const std::string& match = service.match;
  if (match.empty() || match.find_first_of("*?[\\") != std::string::npos) return service.name;
  return match;
}

model::LiveService created_service(const model::Service& service, const model::OwnedFields& owned) {
  model::LiveService live;
  live.name = name_to_create(service);
  live.mode = model::service_mode_name(service.mode);
  live.global = service.mode == model::ServiceMode::global || service.mode == model::ServiceMode::global_job;
  if (service.mode == model::ServiceMode::replicated) live.replicas = 1;  // the engine's default when none is given
  live.image = service.image.value_or("");
  return model::with_owned(live, owned);
}

std::vector<FieldChange> create_changes(const model::Service& service, const std::string& host) {
  std::vector<FieldChange> changes;
  std::string where = host;
  if (where.empty()) where = service.mode == model::ServiceMode::global ? kEveryNode : kNotPinned;
  changes.push_back({"host", "none", where, false});
  const model::OwnedFields declared = model::declared_owned(service);
  for (model::OwnedField f : model::kOwnedFields) {
    if (auto value = model::owned_field_text(declared, f)) {
      changes.push_back({std::string(model::owned_field_name(f)), "none", *value, false});
    }
  }
  return changes;
}

ServiceChange plan_create(const model::Service& service, const model::Host* host, const Topology& topology) {
  ServiceChange c;
  c.name = service.name;
  c.live_name = name_to_create(service);
  c.action = Action::create;
  c.desired = desired_owned(service, host, service.mode != model::ServiceMode::replicated);
  c.desired_host = host != nullptr ? host->name : "";
  c.create = service;
  c.changes = create_changes(service, c.desired_host);
  c.to_host = c.changes.front().after;
  c.tasks_after = service.mode == model::ServiceMode::replicated
                      ? service.replicas.value_or(1)
                      : topology.task_count(created_service(service, c.desired));
  return c;
}

ServiceChange plan_remove(const model::LiveService& live, const Topology& topology) {
  ServiceChange c;
  c.name = live.name;
  c.live_name = live.name;
  c.live_id = live.id;
  c.action = Action::remove;
  c.version_index = live.version_index;
  c.owned_hash = owned_hash(live);
  c.from_host = join(topology.placed_hosts(live), ",");
  c.tasks_before = topology.task_count(live);
  return c;
}

}  // namespace swarmform::plan
