// The engine module against the real lab swarm (tests/lab/up.sh): kvm4 is the
// manager, kvm2 a worker; reached here over kvm4's unix socket.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "reconciler/engine/docker_client.h"
#include "reconciler/engine/live_reader.h"
#include "support/lab.h"
#include "support/unix_stream.h"

namespace swarmform::engine {
namespace {

using swarmform::testing::Lab;
using swarmform::testing::run_command;
using swarmform::testing::unix_dialer;

std::string docker(const Lab& lab) { return "docker -H unix://" + lab.get("KVM4_SOCKET") + " "; }

/// Removes the named service when the test ends, however it ends.
class ServiceGuard {
 public:
  ServiceGuard(const Lab& lab, std::string name) : cmd_(docker(lab)), name_(std::move(name)) {}
  ~ServiceGuard() { run_command(cmd_ + "service rm " + name_ + " >/dev/null 2>&1"); }
  ServiceGuard(const ServiceGuard&) = delete;
  ServiceGuard& operator=(const ServiceGuard&) = delete;

 private:
  std::string cmd_;
  std::string name_;
};

const model::LiveNode* node_named(const model::LiveState& s, const std::string& hostname) {
  auto it = std::ranges::find(s.nodes, hostname, &model::LiveNode::hostname);
  return it == s.nodes.end() ? nullptr : &*it;
}

TEST(EngineLive, NegotiatesAndReadsBothNodesOverOneConnection) {
  SF_REQUIRE_LAB(lab);
  int dials = 0;
  auto client = DockerClient::connect(unix_dialer(lab.get("KVM4_SOCKET"), &dials));
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_GE(client->api_version(), kMinApiVersion);
  EXPECT_LE(client->api_version(), kMaxApiVersion);
  auto state = read_live_state(*client);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->api_version, client->api_version().str());
  EXPECT_FALSE(state->engine_version.empty());
  ASSERT_EQ(state->nodes.size(), 2U);
  const model::LiveNode* kvm4 = node_named(*state, "kvm4");
  const model::LiveNode* kvm2 = node_named(*state, "kvm2");
  ASSERT_NE(kvm4, nullptr);
  ASSERT_NE(kvm2, nullptr);
  EXPECT_EQ(kvm4->role, "manager");
  EXPECT_EQ(kvm2->role, "worker");
  for (const auto* n : {kvm4, kvm2}) {
    EXPECT_EQ(n->state, "ready") << n->hostname;
    EXPECT_EQ(n->availability, "active") << n->hostname;
    EXPECT_GT(n->nano_cpus, 0) << n->hostname;
    EXPECT_GT(n->memory_bytes, 0) << n->hostname;
    EXPECT_FALSE(n->id.empty()) << n->hostname;
  }
  EXPECT_EQ(dials, 1);  // /version, /nodes, /services, /tasks kept alive on one stream
}

TEST(EngineLive, EngineErrorsCarryMessageStatusAndKind) {
  SF_REQUIRE_LAB(lab);
  auto client = DockerClient::connect(unix_dialer(lab.get("KVM4_SOCKET")));
  ASSERT_TRUE(client) << client.error().message;
  auto missing = client->inspect_service("sf-engine-no-such-service");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
  EXPECT_EQ(missing.error().http_status, 404);
  EXPECT_NE(missing.error().message.find("service sf-engine-no-such-service not found"),
            std::string::npos)
      << missing.error().message;
}

TEST(EngineLive, MapsAServiceCreatedWithTheCli) {
  SF_REQUIRE_LAB(lab);
  const std::string name = "sf-engine-live-" + std::to_string(getpid());
  ServiceGuard guard(lab, name);
  int status = -1;
  std::string out =
      run_command(docker(lab) + "service create --detach --no-resolve-image --name " + name +
                      " --limit-cpu 0.5 --limit-memory 64M --reserve-cpu 0.1 --replicas 2"
                      " --constraint node.hostname==kvm2 --label a=b --env X=1 " +
                      lab.get("LAB_IMAGE") + " 2>&1",
                  &status);
  ASSERT_EQ(status, 0) << out;

  auto client = DockerClient::connect(unix_dialer(lab.get("KVM4_SOCKET")));
  ASSERT_TRUE(client) << client.error().message;

  // Wait on task state, not UpdateStatus (LAB-FACTS).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::size_t running = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    auto tasks = client->tasks({{"service", {name}}, {"desired-state", {"running"}}});
    ASSERT_TRUE(tasks) << tasks.error().message;
    running = static_cast<std::size_t>(std::ranges::count_if(
        *tasks, [](const nlohmann::json& t) { return t["Status"]["State"] == "running"; }));
    if (running == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_EQ(running, 2U) << "tasks of " << name << " did not reach running within 60 s";

  auto started = std::chrono::steady_clock::now();
  auto state = read_live_state(*client);
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(state) << state.error().message;
  std::printf(
      "[ timing ] read_live_state on a warm connection: %.1f ms (%zu nodes, %zu services, "
      "%zu tasks)\n",
      std::chrono::duration<double, std::milli>(took).count(), state->nodes.size(),
      state->services.size(), state->tasks.size());

  auto it = std::ranges::find(state->services, name, &model::LiveService::name);
  ASSERT_NE(it, state->services.end()) << name << " not in the live state";
  const model::LiveService& s = *it;
  EXPECT_EQ(s.mode, "replicated");
  EXPECT_EQ(s.replicas, 2U);
  EXPECT_EQ(s.limits.nano_cpus, 500000000);
  EXPECT_EQ(s.limits.memory_bytes, 67108864);
  EXPECT_EQ(s.reservations.nano_cpus, 100000000);
  EXPECT_EQ(s.reservations.memory_bytes, 0);
  EXPECT_EQ(s.constraints, std::vector<std::string>{"node.hostname==kvm2"});
  EXPECT_EQ(s.labels, (std::map<std::string, std::string>{{"a", "b"}}));
  EXPECT_EQ(s.image, lab.get("LAB_IMAGE"));
  EXPECT_EQ(s.running_tasks, 2U);
  EXPECT_EQ(s.desired_tasks, 2U);
  EXPECT_GT(s.version_index, 0U);
  auto spec = nlohmann::json::parse(s.spec_json);
  EXPECT_EQ(spec["TaskTemplate"]["ContainerSpec"]["Env"], nlohmann::json::array({"X=1"}));

  const model::LiveNode* kvm2 = node_named(*state, "kvm2");
  ASSERT_NE(kvm2, nullptr);
  int mine = 0;
  for (const auto& t : state->tasks) {
    if (t.service_id != s.id) continue;
    ++mine;
    EXPECT_EQ(t.node_id, kvm2->id) << "task " << t.id;
    EXPECT_EQ(t.desired_state, "running");
    EXPECT_EQ(t.state, "running");
    EXPECT_GE(t.slot, 1U);
  }
  EXPECT_EQ(mine, 2);

  // A stale ?version= is the engine's HTTP 500 "update out of sequence": a conflict.
  auto stale = client->update_service(s.id, s.version_index - 1, spec);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().kind, ErrorKind::conflict) << stale.error().message;
  EXPECT_EQ(stale.error().http_status, 500);
  // The current one is accepted; a label change does not restart tasks.
  spec["Labels"]["swarmform.test"] = "1";
  auto updated = client->update_service(s.id, s.version_index, spec);
  ASSERT_TRUE(updated) << updated.error().message;
  auto inspected = client->inspect_service(name);
  ASSERT_TRUE(inspected) << inspected.error().message;
  EXPECT_EQ((*inspected)["Spec"]["Labels"]["swarmform.test"], "1");
}

TEST(EngineLive, ReadLiveStateTiming) {
  SF_REQUIRE_LAB(lab);
  auto started = std::chrono::steady_clock::now();
  auto client = DockerClient::connect(unix_dialer(lab.get("KVM4_SOCKET")));
  ASSERT_TRUE(client) << client.error().message;
  auto state = read_live_state(*client);
  ASSERT_TRUE(state) << state.error().message;
  auto took = std::chrono::steady_clock::now() - started;
  std::printf("[ timing ] connect + read_live_state on a fresh connection: %.1f ms\n",
              std::chrono::duration<double, std::milli>(took).count());
}

}  // namespace
}  // namespace swarmform::engine
