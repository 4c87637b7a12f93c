// `swarmform state` against the real lab over SSH, checked against what the
// docker CLI itself reports.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/lab_state.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

const nlohmann::json* find_service(const nlohmann::json& state, const std::string& node, const std::string& name) {
  for (const auto& n : state["nodes"]) {
    if (n["hostname"] != node) continue;
    for (const auto& s : n["services"]) {
      if (s["name"] == name) return &s;
    }
  }
  return nullptr;
}

TEST(CliState, AgreesWithTheDockerCli) {
  SF_REQUIRE_LAB(lab);
  const std::string limited = unique_name("state-limited");
  const std::string unlimited = unique_name("state-unlimited");
  ServiceCleanup cleanup(lab, {limited, unlimited});
  ASSERT_NO_FATAL_FAILURE(create_service(
      lab, limited,
      "--replicas 2 --constraint node.hostname==kvm2 --limit-cpu 0.5 --limit-memory 64M"
      " --reserve-cpu 0.1 --reserve-memory 32M"));
  ASSERT_NO_FATAL_FAILURE(create_service(lab, unlimited, "--constraint node.hostname==kvm4"));
  ASSERT_TRUE(wait_running(lab, limited, 2));
  ASSERT_TRUE(wait_running(lab, unlimited, 1));

  std::string dir = write_lab_state(lab, "");
  auto r = run_swarmform({"state", "-C", dir, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto state = nlohmann::json::parse(r.out);

  // The docker CLI's view: the node of each running task, the spec's resources.
  std::string nodes = docker(lab, "service ps " + limited + " --filter desired-state=running --format '{{.Node}}'");
  EXPECT_EQ(nodes, "kvm2\nkvm2\n");
  auto spec = nlohmann::json::parse(docker(lab, "service inspect " + limited + " --format '{{json .Spec}}'"));
  const auto& resources = spec["TaskTemplate"]["Resources"];

  const nlohmann::json* s = find_service(state, "kvm2", limited);
  ASSERT_NE(s, nullptr) << r.out;
  EXPECT_EQ((*s)["running_here"], 2);
  EXPECT_EQ((*s)["replicas"], 2);
  EXPECT_EQ((*s)["limits"]["nano_cpus"], resources["Limits"]["NanoCPUs"]);
  EXPECT_EQ((*s)["limits"]["memory_bytes"], resources["Limits"]["MemoryBytes"]);
  EXPECT_EQ((*s)["reservations"]["nano_cpus"], resources["Reservations"]["NanoCPUs"]);
  EXPECT_EQ((*s)["reservations"]["memory_bytes"], resources["Reservations"]["MemoryBytes"]);
  EXPECT_EQ((*s)["limits"]["nano_cpus"], 500'000'000);
  EXPECT_EQ((*s)["limits"]["memory_bytes"], 64 * 1024 * 1024);
  EXPECT_FALSE((*s)["no_limits"].get<bool>());
  EXPECT_EQ(find_service(state, "kvm4", limited), nullptr);

  const nlohmann::json* u = find_service(state, "kvm4", unlimited);
  ASSERT_NE(u, nullptr) << r.out;
  EXPECT_TRUE((*u)["no_limits"].get<bool>());

  // The text view marks the unlimited service and counts kvm2's commitment.
  auto text = run_swarmform({"state", "-C", dir});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find(unlimited + "  1/1"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("(no limit!)"), std::string::npos) << text.out;
  std::filesystem::remove_all(dir);
}

TEST(CliState, AnUnknownHostKeyIsRefusedWithItsFingerprint) {
  SF_REQUIRE_LAB(lab);
  std::string dir = write_lab_state(lab, "");
  // Point the state at an empty known_hosts file.
  std::string empty = dir + "/known_hosts_empty";
  write_file(empty, "");
  run_command("sed -i 's|^known_hosts: .*|known_hosts: " + empty + "|' " + dir + "/cluster.yaml");
  auto r = run_swarmform({"state", "-C", dir});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("kvm4 (root@127.0.0.1:" + lab.get("KVM4_SSH_PORT") + ")"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("SHA256:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--accept-new-host-keys"), std::string::npos) << r.err;
  // Accepting records the key; the next run needs no flag.
  auto accepted = run_swarmform({"state", "-C", dir, "--accept-new-host-keys"});
  EXPECT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_EQ(run_swarmform({"state", "-C", dir}).exit_code, 0);
  std::filesystem::remove_all(dir);
}

TEST(CliState, LocalReadsTheManagersSocketWithoutSsh) {
  SF_REQUIRE_LAB(lab);
  std::string dir = write_lab_state(lab, "");
  auto r = run_swarmform({"state", "-C", dir, "--local", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto state = nlohmann::json::parse(r.out);
  EXPECT_EQ(state["nodes"].size(), 2u);
  EXPECT_NE(state["manager"].get<std::string>().find(lab.get("KVM4_SOCKET")), std::string::npos) << r.out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace swarmform::testing
