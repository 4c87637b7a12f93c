#include "reconciler/apply/plan_bridge.h"

#include "reconciler/plan/applied_label.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::apply {

OwnedFields to_apply_fields(const plan::OwnedFields& p) {
  OwnedFields f;
  f.replicas = p.replicas;
  f.limit_nano_cpus = p.limits.nano_cpus;
  f.limit_memory_bytes = p.limits.memory_bytes;
  f.reservation_nano_cpus = p.reservations.nano_cpus;
  f.reservation_memory_bytes = p.reservations.memory_bytes;
  if (!p.node.empty()) f.node = p.node;
  return f;
}

Labels applied_labels(const plan::Plan& plan, const plan::ServiceChange& change) {
  Labels labels{{plan::kManagedLabel, "true"}, {plan::kAppliedLabel, plan::encode_applied(change.desired)}};
  // A dirty tree (apply --allow-dirty) is not the commit: say so, as git
  // describe --dirty does.  No commit known (a folder outside git): remove
  // the label an earlier apply wrote, which would now be untrue.
  labels[plan::kCommitLabel] = plan.commit.empty() ? "" : printable(plan.commit) + (plan.dirty() ? "-dirty" : "");
  return labels;
}

nlohmann::json create_spec(const plan::ServiceChange& change) {
  const model::Service& s = *change.create;
  nlohmann::json container{{"Image", s.image.value_or("")}};
  if (!s.command.empty()) container["Args"] = s.command;
  if (!s.env.empty()) {
    nlohmann::json env = nlohmann::json::array();
    for (const auto& [k, v] : s.env) env.push_back(k + "=" + v);
    container["Env"] = env;
  }
  nlohmann::json resources = nlohmann::json::object();
  auto put = [&resources](const char* key, const model::ResourceSpec& r) {
    nlohmann::json j = nlohmann::json::object();
    if (r.nano_cpus) j["NanoCPUs"] = *r.nano_cpus;
    if (r.memory_bytes) j["MemoryBytes"] = *r.memory_bytes;
    if (!j.empty()) resources[key] = j;
  };
  put("Limits", s.limits);
  put("Reservations", s.reservations);
  nlohmann::json task{{"ContainerSpec", container}, {"Resources", resources}};
  if (!change.desired.node.empty()) {
    task["Placement"] = {{"Constraints", {plan::placement_constraint(change.desired.node)}}};
  }
  nlohmann::json spec{{"Name", change.live_name},
                      {"Labels", s.labels},
                      {"TaskTemplate", task},
                      {"Mode", {{"Replicated", {{"Replicas", s.replicas.value_or(1)}}}}}};
  if (!s.ports.empty()) {
    nlohmann::json ports = nlohmann::json::array();
    for (const auto& p : s.ports) {
      nlohmann::json port{{"Protocol", p.protocol}, {"TargetPort", p.target}};
      if (p.published) port["PublishedPort"] = p.published;
      ports.push_back(port);
    }
    spec["EndpointSpec"] = {{"Ports", ports}};
  }
  return spec;
}

}  // namespace swarmform::apply
