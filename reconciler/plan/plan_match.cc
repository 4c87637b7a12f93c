#include "reconciler/plan/plan_match.h"

#include <map>
#include <vector>

namespace swarmform::plan {
namespace {

/// The fields a field change can name, in the order a plan lists them: the
/// host, then the owned fields but the node (which reads as the host).
std::vector<std::string_view> field_change_names() {
  std::vector<std::string_view> out{"host"};
  for (model::OwnedField f : model::kOwnedFields) {
    if (f != model::OwnedField::node) out.push_back(model::owned_field_name(f));
  }
  return out;
}

std::string or_unset(const std::optional<std::string>& text) { return text.value_or("not owned"); }

std::string changes_text(const std::vector<FieldChange>& changes) {
  if (changes.empty()) return "no field changes";
  std::string out;
  for (const auto& f : changes) {
    out += (out.empty() ? "" : ", ") + f.field + " " + f.before + " → " + f.after;
  }
  return out;
}

/// The first field in which two services to create differ ("" when none).
std::string service_difference(const model::Service& a, const model::Service& b) {
  auto spec = [](const model::ResourceSpec& r) {
    return std::to_string(r.nano_cpus.value_or(-1)) + "/" + std::to_string(r.memory_bytes.value_or(-1));
  };
  auto ports = [](const std::vector<model::PortSpec>& list) {
    std::string out;
    for (const auto& p : list) {
      out += std::to_string(p.published) + ":" + std::to_string(p.target) + "/" + p.protocol + ",";
    }
    return out;
  };
  if (a.name != b.name) return "name";
  if (a.match != b.match) return "match";
  if (a.host != b.host) return "host";
  if (a.mode != b.mode) return "mode";
  if (a.replicas != b.replicas) return "replicas";
  if (spec(a.limits) != spec(b.limits)) return "limits";
  if (spec(a.reservations) != spec(b.reservations)) return "reservations";
  if (a.allow_data_move != b.allow_data_move) return "allow_data_move";
  if (a.image != b.image) return "image";
  if (a.command != b.command) return "command";
  if (a.env != b.env) return "env";
  if (a.labels != b.labels) return "labels";
  if (ports(a.ports) != ports(b.ports)) return "ports";
  return "";
}

/// The differences between the same service's entries in the two plans.
void compare_service(const ServiceChange& saved, const ServiceChange& remade,
                     std::vector<PlanMismatch>& out) {
  const bool swarm = saved.live_id != remade.live_id || saved.owned_hash != remade.owned_hash;
  auto add = [&](const std::string& what) { out.push_back({saved.name, what, swarm}); };
  if (saved.action != remade.action) {
    add("the plan says " + std::string(action_name(saved.action)) + ", planned again: " +
        std::string(action_name(remade.action)));
    return;  // the rest follows from the action
  }
  if (saved.live_id != remade.live_id || saved.live_name != remade.live_name) {
    add("the plan names live service " + saved.live_name + " (" + saved.live_id + "), planned again: " +
        remade.live_name + " (" + remade.live_id + ")");
  }
  // An unpinned service's to_host is where its tasks run, which moves by
  // itself; whether it is pinned is compared as "host" below.
  const bool pinned = !saved.desired_host.empty() || !remade.desired_host.empty() || removes(saved.action);
  if (pinned && saved.to_host != remade.to_host) {
    add("host: the plan says " + saved.to_host + ", planned again: " + remade.to_host);
  }
  if (saved.desired.node != remade.desired.node) {
    add("node: the plan pins it to " + saved.desired.node.value_or("") + ", planned again: " +
        remade.desired.node.value_or(""));
  }
  for (std::string_view field : field_change_names()) {
    auto a = owned_field_text(saved.desired_host, saved.desired, field);
    auto b = owned_field_text(remade.desired_host, remade.desired, field);
    if (a != b) {
      add(std::string(field) + ": the plan writes " + or_unset(a) + ", planned again: " + or_unset(b));
    }
  }
  if (saved.create.has_value() != remade.create.has_value()) {
    add("the plan " + std::string(saved.create ? "carries" : "lacks") + " a service to create");
  } else if (saved.create) {
    if (std::string field = service_difference(*saved.create, *remade.create); !field.empty()) {
      add("the service to create differs in " + field + " from the one the desired state declares");
    }
  }
  bool same_changes = saved.changes.size() == remade.changes.size();
  for (size_t i = 0; same_changes && i < saved.changes.size(); ++i) {
    const FieldChange& a = saved.changes[i];
    const FieldChange& b = remade.changes[i];
    // Where an unpinned service's tasks run ("kvm4 (not pinned)", "none"
    // while they start) moves by itself: the host's before is not compared.
    same_changes = a.field == b.field && (a.field == "host" || a.before == b.before) && a.after == b.after &&
                   a.restarts == b.restarts;
  }
  if (!same_changes) {
    add("the plan shows " + changes_text(saved.changes) + "; planned again: " + changes_text(remade.changes));
  }
}

}  // namespace

std::optional<std::string> owned_field_text(const std::string& host, const model::OwnedFields& owned,
                                            std::string_view field) {
  if (field == "host") return host.empty() ? std::nullopt : std::optional<std::string>(host);
  for (model::OwnedField f : model::kOwnedFields) {
    if (f != model::OwnedField::node && model::owned_field_name(f) == field) return model::owned_field_text(owned, f);
  }
  return std::nullopt;
}

PlanOptions options_of(const Plan& plan) {
  PlanOptions options;
  options.targets = plan.targets;
  options.desired_hash = plan.desired_hash;
  options.commit = plan.commit;
  options.created_at = plan.created_at;
  return options;
}

std::vector<PlanMismatch> compare_changes(const Plan& saved, const Plan& remade) {
  std::vector<PlanMismatch> out;
  // By name: two entries of one name (a delete named like a declared key)
  // pair in order.
  std::multimap<std::string, const ServiceChange*> unpaired;
  for (const auto& c : remade.services) unpaired.emplace(c.name, &c);
  for (const auto& c : saved.services) {
    auto it = unpaired.find(c.name);
    if (it == unpaired.end()) {
      out.push_back({c.name,
                     "the plan says " + std::string(action_name(c.action)) + "; planned again: nothing for it",
                     false});
      continue;
    }
    compare_service(c, *it->second, out);
    unpaired.erase(it);
  }
  for (const auto& c : remade.services) {
    // Left unpaired, in plan order.
    for (auto [it, end] = unpaired.equal_range(c.name); it != end; ++it) {
      if (it->second != &c) continue;
      out.push_back({c.name,
                     "the plan does not have it; planned again: " + std::string(action_name(c.action)),
                     plan::removes(c.action)});
      break;
    }
  }
  return out;
}

}  // namespace swarmform::plan
