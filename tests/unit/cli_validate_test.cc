// `swarmform validate` as a user runs it: the real binary on the bundled
// examples and on files the test writes.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/process.h"

namespace swarmform::testing {
namespace {

TEST(CliValidate, TodaysKvm4IsOverBudgetAndSaysWhy) {
  auto r = run_swarmform({"validate", "-C", "examples/kvm"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(
      r.err.find(
          "examples/kvm/cluster.yaml:15:3: error: host 'kvm4': CPU limits add up to 9.5 CPUs on 4 "
          "CPUs (2.38x), over its budget of 1x; largest: temporal-server 2, saleor-api 1.5"),
      std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("warning: service 'ai-agents' has no CPU or memory limit"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("kvm4  4     16GiB   9.5 (2.38x)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Invalid (1 error, 3 warnings)"), std::string::npos) << r.out;
}

TEST(CliValidate, TheBalancedPlacementPasses) {
  auto r = run_swarmform({"validate", "-C", "examples/kvm-balanced"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("kvm2  2     8GiB    1.95 (0.98x)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Valid (0 errors, 0 warnings)"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST(CliValidate, TheReportsOwnOption2WouldOverloadKvm2) {
  // Move Saleor and Temporal to KVM2 with today's limits: 3.5 CPUs on 2.
  std::string dir = make_temp_dir("sf-option2");
  std::filesystem::copy_file(SWARMFORM_SOURCE_DIR "/examples/kvm/cluster.yaml",
                             dir + "/cluster.yaml");
  write_file(dir + "/known_hosts", "");
  write_file(dir + "/services.yaml", R"(services:
  temporal-server: {host: kvm2, replicas: 1, limits: {cpus: 2, memory: 512MiB}}
  saleor-api: {host: kvm2, replicas: 1, limits: {cpus: 1.5, memory: 1GiB}}
)");
  auto r = run_swarmform({"validate", "-C", dir});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("host 'kvm2': CPU limits add up to 3.5 CPUs on 2 CPUs (1.75x)"),
            std::string::npos)
      << r.err;
  std::filesystem::remove_all(dir);
}

TEST(CliValidate, JsonCarriesTheSameFindings) {
  auto r = run_swarmform({"validate", "-C", "examples/kvm", "--format", "json"});
  EXPECT_EQ(r.exit_code, 1);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j["valid"].get<bool>());
  EXPECT_EQ(j["errors"], 1);
  EXPECT_EQ(j["warnings"], 3);
  const auto& kvm4 = j["hosts"][1];
  EXPECT_EQ(kvm4["host"], "kvm4");
  EXPECT_EQ(kvm4["limits"]["nano_cpus"], 9'500'000'000);
  EXPECT_EQ(kvm4["cpu_limit_ratio"], "2.38x");
  EXPECT_FALSE(kvm4["within_budget"].get<bool>());
  const auto& d = j["diagnostics"][0];
  EXPECT_EQ(d["severity"], "error");
  EXPECT_EQ(d["file"], "examples/kvm/cluster.yaml");
  EXPECT_EQ(d["line"], 15);
  EXPECT_EQ(d["column"], 3);
}

TEST(CliValidate, StrictFailsOnWarnings) {
  std::string dir = make_temp_dir("sf-strict");
  write_file(dir + "/state.yaml", R"(version: 1
cluster: {manager: a}
hosts:
  a: {ssh: root@203.0.113.9, capacity: {cpus: 2, memory: 4GiB}}
services:
  web: {host: a, replicas: 2, limits: {cpus: 0.5}}
)");
  EXPECT_EQ(run_swarmform({"validate", "-C", dir}).exit_code, 0);
  auto strict = run_swarmform({"validate", "-C", dir, "--strict"});
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_NE(strict.err.find("state.yaml:6:3: warning: service 'web' has no memory limit"),
            std::string::npos)
      << strict.err;
  std::filesystem::remove_all(dir);
}

TEST(CliValidate, RequireLimitsTurnsTheWarningIntoAnError) {
  std::string dir = make_temp_dir("sf-require");
  write_file(dir + "/state.yaml", R"(version: 1
cluster: {manager: a}
hosts:
  a: {ssh: root@203.0.113.9, capacity: {cpus: 2, memory: 4GiB}}
policy: {require_limits: true}
services:
  web: {host: a}
)");
  auto r = run_swarmform({"validate", "-C", dir});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("error: service 'web' has no CPU or memory limit"), std::string::npos)
      << r.err;
  std::filesystem::remove_all(dir);
}

TEST(CliValidate, AMissingDirectoryIsAClearError) {
  auto r = run_swarmform({"validate", "-C", "no/such/dir"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no/such/dir: not a directory"), std::string::npos) << r.err;
}

TEST(CliValidate, ADirectoryWithoutYamlSaysSo) {
  std::string dir = make_temp_dir("sf-empty");
  auto r = run_swarmform({"validate", "-C", dir});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no desired-state files (*.yaml, *.yml) found"), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace swarmform::testing
