#include "reconciler/engine/live_reader.h"

#include "reconciler/engine/json_field.h"
#include "reconciler/engine/live_mapping.h"

namespace swarmform::engine {
namespace {

Result<model::LiveState> read(DockerClient& client) {
  model::LiveState state;
  state.api_version = client.api_version().str();
  JsonField version(&client.server_version(), "version");
  SF_TRY_ASSIGN(state.engine_version, version.string_at({"Version"}));
  SF_TRY_ASSIGN(nlohmann::json nodes, client.nodes());
  SF_TRY_ASSIGN(state.nodes, map_nodes(nodes));
  SF_TRY_ASSIGN(nlohmann::json services, client.services());
  SF_TRY_ASSIGN(state.services, map_services(services));
  SF_TRY_ASSIGN(nlohmann::json tasks, client.tasks({{"desired-state", {"running"}}}));
  SF_TRY_ASSIGN(state.tasks, map_tasks(tasks));
  return state;
}

}  // namespace

Result<model::LiveState> read_live_state(DockerClient& client) {
  auto state = read(client);
  if (!state) return fail(state.error().wrap("reading live state from " + client.describe()));
  return state;
}

Result<std::string> read_swarm_id(DockerClient& client) {
  SF_TRY_ASSIGN(nlohmann::json info, client.info());
  JsonField field(&info, "info");
  auto id = field.string_at({"Swarm", "Cluster", "ID"});
  if (!id || id->empty()) {
    return fail(client.describe() + " is not a swarm manager (GET /info has no Swarm.Cluster.ID): point "
                "cluster.manager at a manager node");
  }
  return id;
}

}  // namespace swarmform::engine
