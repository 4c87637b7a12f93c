#include "reconciler/engine/spec_create.h"

#include "reconciler/model/placement.h"

namespace swarmform::engine {

nlohmann::json create_spec(const model::Service& s, const std::string& name, const model::OwnedFields& owned) {
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
  put("Limits", owned.limits);
  put("Reservations", owned.reservations);
  nlohmann::json task{{"ContainerSpec", container}, {"Resources", resources}};
  if (owned.node && !owned.node->empty()) {
    task["Placement"] = {{"Constraints", {model::placement_constraint(*owned.node)}}};
  }
  nlohmann::json mode = s.mode == model::ServiceMode::global
                            ? nlohmann::json{{"Global", nlohmann::json::object()}}
                            : nlohmann::json{{"Replicated", {{"Replicas", owned.replicas.value_or(1)}}}};
  nlohmann::json spec{{"Name", name}, {"Labels", s.labels}, {"TaskTemplate", task}, {"Mode", mode}};
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

}  // namespace swarmform::engine
