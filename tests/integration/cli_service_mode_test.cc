// Services import writes as they run (issue 13): a global service, one not
// pinned to any host and one pinned by node id, declared as they are, plan
// empty; a limit changed in git is applied without touching their placement.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/lab_state.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

nlohmann::json constraints_of(const nlohmann::json& service) {
  const auto& spec = service["Spec"]["TaskTemplate"];
  if (!spec.contains("Placement") || !spec["Placement"].contains("Constraints")) return nlohmann::json::array();
  return spec["Placement"]["Constraints"];
}

std::string services_yaml(const std::string& global, const std::string& roaming, const std::string& by_id,
                          const std::string& cpus) {
  return "services:\n"
         "  " + global + ":\n    mode: global\n    limits: {cpus: " + cpus + ", memory: 32MiB}\n"
         "  " + roaming + ":\n    replicas: 1\n    limits: {cpus: " + cpus + ", memory: 32MiB}\n"
         "  " + by_id + ":\n    host: kvm2\n    replicas: 1\n    limits: {cpus: " + cpus + ", memory: 32MiB}\n";
}

TEST(CliServiceMode, GlobalUnpinnedAndNodeIdPinnedServicesPlanEmptyAndApplyInPlace) {
  SF_REQUIRE_LAB(lab);
  const std::string global = unique_name("mode-global");
  const std::string roaming = unique_name("mode-roaming");
  const std::string by_id = unique_name("mode-byid");
  ServiceCleanup cleanup(lab, {global, roaming, by_id});
  const std::string kvm2_id = trimmed(docker(lab, "node inspect kvm2 --format '{{.ID}}'"));
  ASSERT_FALSE(kvm2_id.empty());
  ASSERT_NO_FATAL_FAILURE(create_with_cli(lab, global, "--mode global --limit-cpu 0.1 --limit-memory 32M", 2));
  ASSERT_NO_FATAL_FAILURE(create_with_cli(lab, roaming, "--replicas 1 --limit-cpu 0.1 --limit-memory 32M"));
  ASSERT_NO_FATAL_FAILURE(create_with_cli(
      lab, by_id, "--replicas 1 --constraint node.id==" + kvm2_id + " --limit-cpu 0.1 --limit-memory 32M"));

  // Declared as they run: nothing to do.
  std::string dir = write_lab_state(lab, services_yaml(global, roaming, by_id, "0.1"), kWideBudget);
  const std::vector<std::string> targets{"--target", global, "--target", roaming, "--target", by_id};
  std::vector<std::string> plan{"plan", "-C", dir, "--detailed-exitcode"};
  plan.insert(plan.end(), targets.begin(), targets.end());
  auto clean = run_swarmform(plan);
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;

  // A limit changed in git: three updates in place, placement untouched.
  const auto roaming_before = service_json(lab, roaming);
  std::filesystem::remove_all(dir);
  dir = write_lab_state(lab, services_yaml(global, roaming, by_id, "0.2"), kWideBudget);
  plan[2] = dir;
  auto changed = run_swarmform(plan);
  EXPECT_EQ(changed.exit_code, 2) << changed.out << changed.err;
  EXPECT_EQ(changed.out.find("host:"), std::string::npos) << changed.out;
  std::vector<std::string> apply{"apply", "-C", dir, "--auto-approve", "--timeout", "120s"};
  apply.insert(apply.end(), targets.begin(), targets.end());
  auto r = run_swarmform(apply);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Apply complete: 3 applied"), std::string::npos) << r.out;

  const auto g = service_json(lab, global);
  EXPECT_EQ(g["Spec"]["TaskTemplate"]["Resources"]["Limits"]["NanoCPUs"], 200'000'000);
  EXPECT_TRUE(g["Spec"]["Mode"].contains("Global")) << g["Spec"]["Mode"].dump();
  EXPECT_EQ(constraints_of(g), nlohmann::json::array());

  const auto u = service_json(lab, roaming);
  EXPECT_EQ(u["Spec"]["TaskTemplate"]["Resources"]["Limits"]["NanoCPUs"], 200'000'000);
  EXPECT_EQ(constraints_of(u), constraints_of(roaming_before));  // no constraint added
  EXPECT_EQ(constraints_of(u), nlohmann::json::array());

  const auto p = service_json(lab, by_id);
  EXPECT_EQ(p["Spec"]["TaskTemplate"]["Resources"]["Limits"]["NanoCPUs"], 200'000'000);
  const nlohmann::json pins = constraints_of(p);
  EXPECT_TRUE(pins == nlohmann::json::array({"node.id==" + kvm2_id}) ||
              pins == nlohmann::json::array({"node.hostname==kvm2"}))
      << pins.dump();
  EXPECT_EQ(docker(lab, "service ps " + by_id + " --filter desired-state=running --format '{{.Node}}'"), "kvm2\n");

  // And the state now plans empty again.
  auto again = run_swarmform(plan);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace swarmform::testing
