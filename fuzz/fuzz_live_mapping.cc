// Engine JSON -> the live model, as `state` and `plan` read it: the body is
// parsed as the engine client parses it, mapped (an object with "nodes",
// "services" and "tasks" arrays maps each; any other document is tried as
// all three), then the per-node budget arithmetic and its table, and a plan
// of a fixed desired state (hosts kvm4 and kvm2, services web and db)
// against it, as text and as the plan file, which must read back.  The same
// document is also read as one container's stats (usage): an object with
// "container" (its list entry) and "stats" gives both, any other document
// is tried as both.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "reconciler/config/loader.h"
#include "reconciler/engine/live_mapping.h"
#include "reconciler/engine/usage_reader.h"
#include "reconciler/model/capacity.h"
#include "reconciler/plan/compute.h"
#include "reconciler/plan/plan_file.h"
#include "reconciler/render/capacity_table.h"
#include "reconciler/render/plan_text.h"
#include "reconciler/util/json_depth.h"

namespace {

using namespace swarmform;

constexpr const char* kDesired = R"(version: 1
cluster: {manager: kvm4}
hosts:
  kvm4: {ssh: root@127.0.0.1:22404, capacity: {cpus: 2, memory: 4GiB}}
  kvm2: {ssh: root@127.0.0.1:22402, capacity: {cpus: 2, memory: 4GiB}}
policy: {prune: true, cpu_overcommit: 1.5}
services:
  web: {image: local/busybox:1, host: kvm4, replicas: 2, limits: {cpus: 0.5, memory: 64MiB}}
  db: {host: kvm2, limits: {cpus: 1, memory: 1GiB}, reservations: {memory: 512MiB}}
)";

const model::DesiredState& desired() {
  static const model::DesiredState state = [] {
    config::Loaded loaded =
        config::load_desired_state({{"fuzz.yaml", kDesired}}, config::LoadOptions{});
    if (!loaded.state) fuzz::broken("the fixed desired state does not load");
    return *loaded.state;
  }();
  return state;
}

const nlohmann::json* member(const nlohmann::json& doc, const char* key) {
  auto it = doc.find(key);
  return it == doc.end() ? nullptr : &*it;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  // As engine/docker_client.cc reads every engine answer.
  if (!json_depth_within(body)) return 0;
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return 0;

  const nlohmann::json empty = nlohmann::json::array();
  const nlohmann::json* nodes = &doc;
  const nlohmann::json* services = &doc;
  const nlohmann::json* tasks = &doc;
  if (doc.is_object()) {
    nodes = member(doc, "nodes");
    services = member(doc, "services");
    tasks = member(doc, "tasks");
    if (nodes == nullptr) nodes = &empty;
    if (services == nullptr) services = &empty;
    if (tasks == nullptr) tasks = &empty;
  }

  model::LiveState live;
  auto mapped_nodes = engine::map_nodes(*nodes);
  auto mapped_services = engine::map_services(*services);
  auto mapped_tasks = engine::map_tasks(*tasks);
  if (mapped_nodes) live.nodes = std::move(*mapped_nodes);
  if (mapped_services) live.services = std::move(*mapped_services);
  if (mapped_tasks) live.tasks = std::move(*mapped_tasks);
  // read_live_state stops at the first mapping error; go on with what mapped.

  std::vector<model::HostLoad> loads = model::live_node_loads(live);
  (void)render::capacity_table(loads, render::Style{});
  for (const auto& load : loads) (void)render::capacity_json(load).dump();

  plan::Plan plan = plan::compute_plan(desired(), live, plan::PlanOptions{});
  (void)render::plan_text(plan, render::Style{});
  // A plan this program wrote is one it can read.
  if (!plan::parse_plan_json_text(plan::plan_json_text(plan)))
    fuzz::broken("its own plan file does not read back");

  const nlohmann::json* container = &doc;
  const nlohmann::json* stats = &doc;
  if (doc.is_object() && member(doc, "container") != nullptr && member(doc, "stats") != nullptr) {
    container = member(doc, "container");
    stats = member(doc, "stats");
  }
  if (auto sample = engine::container_sample_from_json(*container, *stats)) {
    if (sample->memory_used_bytes && stats->is_object()) {
      // Never more than the usage it was computed from.
      const auto usage = stats->find("memory_stats");
      if (usage == stats->end() || !usage->is_object() || !usage->contains("usage") ||
          !(*usage)["usage"].is_number_unsigned() ||
          *sample->memory_used_bytes > (*usage)["usage"].get<uint64_t>()) {
        fuzz::broken("memory used is not usage less page cache");
      }
    }
  }
  return 0;
}
