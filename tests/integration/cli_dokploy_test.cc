// integrations.dokploy end to end: the real binary, the real lab swarm, and
// the Dokploy stand-in (tests/support/dokploy_standin.py: real HTTPS with a
// test CA; it says there why it is not the real Dokploy, whose images come
// from a registry these machines cannot reach).

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/dokploy_standin.h"
#include "support/lab_state.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

/// A Dokploy that runs `service` as an application storing a 0.5 CPU limit,
/// 64MiB memory limit and 1 replica.
nlohmann::json dokploy_running(const std::string& service) {
  return {{"applications",
           nlohmann::json::array({{{"applicationId", "app-" + service},
                                   {"appName", service},
                                   {"name", "web"},
                                   {"cpuLimit", "500000000"},
                                   {"memoryLimit", "67108864"},
                                   {"cpuReservation", nullptr},
                                   {"memoryReservation", nullptr},
                                   {"replicas", 1},
                                   {"placementSwarm", {{"Constraints", {"node.hostname==kvm4"}}}}}})},
          {"compose", nlohmann::json::array()}};
}

/// The lab state declaring `service` on kvm4 with 0.25 CPUs (Dokploy stores
/// 0.5), plus integrations.dokploy pointing at `url` with the stand-in's CA.
std::string state_with_dokploy(const Lab& lab, const std::string& service, const std::string& url,
                               const std::string& ca_file) {
  std::string dir = write_lab_state(lab,
                                    "services:\n  " + service +
                                        ":\n    host: kvm4\n    replicas: 1\n    limits: {cpus: 0.25, memory: 64MiB}\n",
                                    kWideBudget);
  write_file(dir + "/dokploy.yaml", "integrations:\n  dokploy:\n    url: " + url +
                                        "\n    api_key_env: SF_TEST_DOKPLOY_KEY\n    ca_file: " + ca_file + "\n");
  return dir;
}

std::string nano_cpus(const Lab& lab, const std::string& service) { return cpu_limit_of(lab, service); }

TEST(CliDokploy, PlanShowsTheStoredDifferenceAndApplyWritesDokployThenTheSwarm) {
  SF_REQUIRE_LAB(lab);
  const std::string web = unique_name("dokploy-web");
  ServiceCleanup cleanup(lab, {web});
  ASSERT_NO_FATAL_FAILURE(
      create_with_cli(lab, web, "--replicas 1 --constraint node.hostname==kvm4 --limit-cpu 0.5 --limit-memory 64M"));
  DokployStandIn dokploy({.state = dokploy_running(web)});
  ASSERT_FALSE(dokploy.url().empty()) << "the stand-in did not start (python3, openssl)";
  std::string dir = state_with_dokploy(lab, web, dokploy.url(), dokploy.ca_file());
  const std::vector<std::string> env{"SF_TEST_DOKPLOY_KEY=" + dokploy.key()};

  auto plan = run_swarmform({"plan", "-C", dir}, "", env);
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_NE(plan.out.find("dokploy: stored limits.cpus 0.5 → 0.25 (a Dokploy redeploy would otherwise revert it)"),
            std::string::npos)
      << plan.out;
  auto json = run_swarmform({"plan", "-C", dir, "--format", "json"}, "", env);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto doc = nlohmann::json::parse(json.out);
  ASSERT_EQ(doc["stored"].size(), 1u) << json.out;
  EXPECT_EQ(doc["stored"][0]["record_id"], "app-" + web);
  EXPECT_TRUE(dokploy.requests_to("application.update").empty()) << "plan writes nothing";

  auto apply = run_swarmform({"apply", "-C", dir, "--auto-approve", "--timeout", "90s"}, "", env);
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  auto writes = dokploy.requests_to("application.update");
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0]["body"], nlohmann::json::parse(R"({"applicationId":"app-)" + web +
                                                      R"(","cpuLimit":"250000000"})"))
      << "only the differing field, as the text column stores it";
  size_t dokploy_line = apply.out.find(web + ": Dokploy's stored values written");
  size_t swarm_line = apply.out.find("Apply complete: 1 applied");
  ASSERT_NE(dokploy_line, std::string::npos) << apply.out;
  ASSERT_NE(swarm_line, std::string::npos) << apply.out;
  EXPECT_LT(dokploy_line, swarm_line) << "Dokploy first, then the swarm";
  EXPECT_EQ(nano_cpus(lab, web), "250000000");

  // Both agree now: nothing to write anywhere.
  auto again = run_swarmform({"plan", "-C", dir, "--detailed-exitcode"}, "", env);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  std::filesystem::remove_all(dir);
}

TEST(CliDokploy, AFailingDokployWriteLeavesTheServiceUnchanged) {
  SF_REQUIRE_LAB(lab);
  const std::string web = unique_name("dokploy-fail");
  ServiceCleanup cleanup(lab, {web});
  ASSERT_NO_FATAL_FAILURE(
      create_with_cli(lab, web, "--replicas 1 --constraint node.hostname==kvm4 --limit-cpu 0.5 --limit-memory 64M"));
  auto version = service_json(lab, web)["Version"]["Index"];
  DokployStandIn dokploy({.state = dokploy_running(web), .fail_update = true});
  ASSERT_FALSE(dokploy.url().empty());
  std::string dir = state_with_dokploy(lab, web, dokploy.url(), dokploy.ca_file());
  auto apply = run_swarmform({"apply", "-C", dir, "--auto-approve", "--timeout", "90s"}, "",
                             {"SF_TEST_DOKPLOY_KEY=" + dokploy.key()});
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  EXPECT_NE(apply.err.find("answered 500: Error updating the application"), std::string::npos) << apply.err;
  EXPECT_NE(apply.out.find("Not changed: " + web), std::string::npos) << apply.out;
  EXPECT_EQ(dokploy.requests_to("application.update").size(), 1u);
  EXPECT_EQ(nano_cpus(lab, web), "500000000");
  EXPECT_EQ(service_json(lab, web)["Version"]["Index"], version) << "the service was not updated at all";
  std::filesystem::remove_all(dir);
}

TEST(CliDokploy, AnUnreachableDokployFailsTheApplyBeforeAnythingChangesUnlessSkipped) {
  SF_REQUIRE_LAB(lab);
  const std::string web = unique_name("dokploy-down");
  ServiceCleanup cleanup(lab, {web});
  ASSERT_NO_FATAL_FAILURE(
      create_with_cli(lab, web, "--replicas 1 --constraint node.hostname==kvm4 --limit-cpu 0.5 --limit-memory 64M"));
  std::string dir = state_with_dokploy(lab, web, "https://127.0.0.1:9", "/nonexistent-ca.pem");
  const std::vector<std::string> env{"SF_TEST_DOKPLOY_KEY=some-key-7c1d"};
  auto apply = run_swarmform({"apply", "-C", dir, "--auto-approve"}, "", env);
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  EXPECT_NE(apply.err.find("Dokploy at https://127.0.0.1:9 (project.all) is unreachable"), std::string::npos)
      << apply.err;
  EXPECT_NE(apply.err.find("--skip-dokploy"), std::string::npos) << apply.err;
  EXPECT_EQ(nano_cpus(lab, web), "500000000");

  auto skipped = run_swarmform({"apply", "-C", dir, "--auto-approve", "--skip-dokploy", "--timeout", "90s"}, "", env);
  EXPECT_EQ(skipped.exit_code, 0) << skipped.out << skipped.err;
  EXPECT_NE(skipped.err.find("integrations.dokploy skipped (--skip-dokploy)"), std::string::npos) << skipped.err;
  EXPECT_NE(skipped.out.find("its next deploy may revert what swarmform applies"), std::string::npos)
      << "the plan says it too: " << skipped.out;
  EXPECT_EQ(nano_cpus(lab, web), "250000000");
  std::filesystem::remove_all(dir);
}

TEST(CliDokploy, AWrongKeyIsAClear401AndTheKeyNeverShowsEvenUnderVV) {
  SF_REQUIRE_LAB(lab);
  const std::string web = unique_name("dokploy-key");
  ServiceCleanup cleanup(lab, {web});
  ASSERT_NO_FATAL_FAILURE(
      create_with_cli(lab, web, "--replicas 1 --constraint node.hostname==kvm4 --limit-cpu 0.5 --limit-memory 64M"));
  DokployStandIn dokploy({.state = dokploy_running(web)});
  ASSERT_FALSE(dokploy.url().empty());
  std::string dir = state_with_dokploy(lab, web, dokploy.url(), dokploy.ca_file());

  const std::string wrong = "wrong-key-3e9a1b7c";
  auto refused = run_swarmform({"-vv", "plan", "-C", dir}, "", {"SF_TEST_DOKPLOY_KEY=" + wrong});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("Dokploy at " + dokploy.url() + " (project.all) answered 401 Unauthorized"),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("SF_TEST_DOKPLOY_KEY"), std::string::npos) << refused.err;
  EXPECT_EQ((refused.out + refused.err).find(wrong), std::string::npos) << "the key leaked";

  std::string plan_file = dir + "/plan.json";
  auto applied = run_swarmform({"-vv", "apply", "-C", dir, "--auto-approve", "--timeout", "90s"}, "",
                               {"SF_TEST_DOKPLOY_KEY=" + dokploy.key()});
  EXPECT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  auto saved = run_swarmform({"-vv", "plan", "-C", dir, "--out", plan_file}, "",
                             {"SF_TEST_DOKPLOY_KEY=" + dokploy.key()});
  EXPECT_EQ(saved.exit_code, 0) << saved.err;
  std::string everything = applied.out + applied.err + saved.out + saved.err + read_text(plan_file);
  EXPECT_NE(applied.err.find("reading Dokploy's applications from " + dokploy.url()), std::string::npos)
      << "-vv shows the Dokploy calls: " << applied.err;
  EXPECT_EQ(everything.find(dokploy.key()), std::string::npos) << "the key leaked under -vv";
  std::filesystem::remove_all(dir);
}

TEST(CliDokploy, DriftReportsADokployMismatchWhileTheSwarmMatches) {
  SF_REQUIRE_LAB(lab);
  const std::string web = unique_name("dokploy-drift");
  ServiceCleanup cleanup(lab, {web});
  ASSERT_NO_FATAL_FAILURE(
      create_with_cli(lab, web, "--replicas 1 --constraint node.hostname==kvm4 --limit-cpu 0.25 --limit-memory 64M"));
  DokployStandIn dokploy({.state = dokploy_running(web)});
  ASSERT_FALSE(dokploy.url().empty());
  std::string dir = state_with_dokploy(lab, web, dokploy.url(), dokploy.ca_file());
  auto drift = run_swarmform({"drift", "-C", dir, "--format", "json"}, "", {"SF_TEST_DOKPLOY_KEY=" + dokploy.key()});
  EXPECT_EQ(drift.exit_code, 2) << drift.out << drift.err;
  auto doc = nlohmann::json::parse(drift.out);
  EXPECT_EQ(doc["by_cause"]["dokploy_stored"], 1) << drift.out;
  ASSERT_EQ(doc["services"].size(), 1u) << drift.out;
  EXPECT_EQ(doc["services"][0]["cause_text"], "Dokploy stores other values: its next deploy will revert this service");
  EXPECT_EQ(doc["services"][0]["changes"][0]["field"], "limits.cpus");
  EXPECT_EQ(doc["services"][0]["changes"][0]["stored"], "0.5");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace swarmform::testing
