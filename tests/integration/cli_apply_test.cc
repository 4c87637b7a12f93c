// `swarmform apply` end to end against the real lab: what the docker CLI sees
// afterwards, idempotence, fields swarmform does not own, create and prune,
// stale saved plans, the lock, and a failure that is rolled back.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/lab_state.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

nlohmann::json inspect(const Lab& lab, const std::string& name) {
  return nlohmann::json::parse(docker(lab, "service inspect " + name + " --format '{{json .}}'"));
}

/// The parts of a spec swarmform never owns.
nlohmann::json not_owned(nlohmann::json spec) {
  auto& task = spec["TaskTemplate"];
  task.erase("Resources");
  task["Placement"].erase("Constraints");
  spec["Mode"].erase("Replicated");
  for (const char* label : {"swarmform.managed", "swarmform.applied", "swarmform.commit"}) spec["Labels"].erase(label);
  task.erase("ForceUpdate");
  return spec;
}

/// A wide budget: other tests share the lab, their services must not block these plans.
const char* kWideBudget = "  cpu_overcommit: 100\n  memory_overcommit: 100\n";

TEST(CliApply, ChangesOwnedFieldsOnlyAndASecondRunDoesNothing) {
  SF_REQUIRE_LAB(lab);
  const std::string web = unique_name("apply-web");
  const std::string api = unique_name("apply-api");
  ServiceCleanup cleanup(lab, {web, api});
  ASSERT_NO_FATAL_FAILURE(create_service(
      lab, web,
      "--replicas 2 --constraint node.hostname==kvm4 --constraint node.platform.os==linux"
      " --limit-cpu 0.5 --limit-memory 64M --env APP_MODE=prod --label team=shop"
      " --update-parallelism 2 --update-delay 1s"));
  ASSERT_NO_FATAL_FAILURE(create_service(
      lab, api,
      "--replicas 1 --constraint node.hostname==kvm4 --limit-cpu 0.25 --limit-memory 32M"
      " --reserve-memory 16M"));
  ASSERT_TRUE(wait_running(lab, web, 2));
  ASSERT_TRUE(wait_running(lab, api, 1));
  const nlohmann::json web_before = inspect(lab, web);

  // web: limit and replica change in place; api: moves kvm4 -> kvm2, new reservation.
  std::string dir = write_lab_state(lab, "services:\n  " + web +
                                             ":\n    host: kvm4\n    replicas: 3\n    limits: {cpus: 0.25, memory: 64MiB}\n  " +
                                             api +
                                             ":\n    host: kvm2\n    replicas: 1\n    limits: {cpus: 0.25, memory: 32MiB}\n"
                                             "    reservations: {cpus: 0.1, memory: 16MiB}\n",
                                    kWideBudget);
  auto r = run_swarmform({"apply", "-C", dir, "--auto-approve", "--timeout", "90s"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Apply complete: 2 applied"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(api + "  1/1 running on kvm2"), std::string::npos) << r.out;

  // What the docker CLI sees.
  auto web_after = inspect(lab, web);
  EXPECT_EQ(web_after["Spec"]["Mode"]["Replicated"]["Replicas"], 3);
  EXPECT_EQ(web_after["Spec"]["TaskTemplate"]["Resources"]["Limits"]["NanoCPUs"], 250'000'000);
  EXPECT_EQ(web_after["Spec"]["Labels"]["swarmform.managed"], "true");
  EXPECT_EQ(not_owned(web_after["Spec"]), not_owned(web_before["Spec"]));
  // web stays on kvm4: its constraints, others' included, are as they were.
  EXPECT_EQ(web_after["Spec"]["TaskTemplate"]["Placement"]["Constraints"],
            web_before["Spec"]["TaskTemplate"]["Placement"]["Constraints"]);
  EXPECT_EQ(docker(lab, "service ps " + api + " --filter desired-state=running --format '{{.Node}}'"), "kvm2\n");
  EXPECT_EQ(inspect(lab, api)["Spec"]["TaskTemplate"]["Resources"]["Reservations"]["NanoCPUs"], 100'000'000);

  // Second run: nothing to do, no update call, every version index unchanged.
  auto web_version = web_after["Version"]["Index"];
  auto api_version = inspect(lab, api)["Version"]["Index"];
  auto again = run_swarmform({"apply", "-C", dir, "--auto-approve"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("No changes."), std::string::npos) << again.out;
  EXPECT_EQ(inspect(lab, web)["Version"]["Index"], web_version);
  EXPECT_EQ(inspect(lab, api)["Version"]["Index"], api_version);
  std::filesystem::remove_all(dir);
}

TEST(CliApply, CreatesDeclaredServicesAndPrunesManagedOnes) {
  SF_REQUIRE_LAB(lab);
  const std::string made = unique_name("apply-made");
  ServiceCleanup cleanup(lab, {made});
  std::string services = "services:\n  " + made + ":\n    image: " + lab.get("LAB_IMAGE") +
                         "\n    host: kvm2\n    replicas: 2\n    limits: {cpus: 0.1, memory: 32MiB}\n"
                         "    env: {GREETING: hello}\n";
  std::string dir = write_lab_state(lab, services, kWideBudget);
  auto r = run_swarmform({"apply", "-C", dir, "--auto-approve", "--timeout", "90s"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("+ " + made + ": created"), std::string::npos) << r.out;
  auto spec = inspect(lab, made)["Spec"];
  EXPECT_EQ(spec["TaskTemplate"]["ContainerSpec"]["Env"], nlohmann::json{"GREETING=hello"});
  EXPECT_EQ(spec["Labels"]["swarmform.managed"], "true");
  EXPECT_EQ(docker(lab, "service ps " + made + " --filter desired-state=running --format '{{.Node}}'"),
            "kvm2\nkvm2\n");

  // No longer declared: a finding without prune, a delete with it.
  std::filesystem::remove(dir + "/services.yaml");
  auto kept = run_swarmform({"plan", "-C", dir, "--target", made});
  EXPECT_NE(kept.out.find(made), std::string::npos) << kept.out;
  std::string pruning = write_lab_state(lab, "", std::string(kWideBudget) + "  prune: true\n");
  auto pruned = run_swarmform({"apply", "-C", pruning, "--auto-approve", "--target", made});
  EXPECT_EQ(pruned.exit_code, 0) << pruned.out << pruned.err;
  EXPECT_NE(pruned.out.find("- " + made + ": deleted"), std::string::npos) << pruned.out;
  int rc = 0;
  docker(lab, "service inspect " + made, &rc);
  EXPECT_NE(rc, 0) << "the pruned service still exists";
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(pruning);
}

TEST(CliApply, AStaleSavedPlanIsRefused) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("apply-stale");
  ServiceCleanup cleanup(lab, {name});
  int rc = 0;
  ASSERT_NO_FATAL_FAILURE(create_service(
      lab, name,
      "--replicas 1 --constraint node.hostname==kvm4 --limit-cpu 0.5 --limit-memory 64M"));
  std::string dir = write_lab_state(
      lab, "services:\n  " + name + ":\n    host: kvm4\n    replicas: 1\n    limits: {cpus: 0.25, memory: 64MiB}\n",
      kWideBudget);
  ASSERT_EQ(run_swarmform({"plan", "-C", dir, "--out", dir + "/saved.plan"}).exit_code, 0);
  docker(lab, "service update -d --limit-cpu 0.75 " + name, &rc);
  ASSERT_EQ(rc, 0);
  auto r = run_swarmform({"apply", "-C", dir, dir + "/saved.plan"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(name + ": owned fields changed since the plan; now replicas 1, limits 0.75 CPUs"),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the plan is stale"), std::string::npos) << r.err;
  EXPECT_EQ(inspect(lab, name)["Spec"]["TaskTemplate"]["Resources"]["Limits"]["NanoCPUs"], 750'000'000);
  std::filesystem::remove_all(dir);
}

TEST(CliApply, WithoutATerminalOrAutoApproveItRefuses) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("apply-ask");
  ServiceCleanup cleanup(lab, {name});
  ASSERT_NO_FATAL_FAILURE(create_service(lab, name, "--replicas 1 --limit-cpu 0.5"));
  std::string dir = write_lab_state(
      lab, "services:\n  " + name + ":\n    host: kvm4\n    limits: {cpus: 0.25}\n", kWideBudget);
  auto r = run_swarmform({"apply", "-C", dir});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("apply needs a 'yes'"), std::string::npos) << r.err;
  EXPECT_EQ(inspect(lab, name)["Spec"]["TaskTemplate"]["Resources"]["Limits"]["NanoCPUs"], 500'000'000);
  std::filesystem::remove_all(dir);
}

TEST(CliApply, AHeldLockRefusesAndUnlockRemovesIt) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("apply-lock");
  ServiceCleanup cleanup(lab, {name});
  int rc = 0;
  ASSERT_NO_FATAL_FAILURE(create_service(lab, name, "--replicas 1 --limit-cpu 0.5"));
  // Another apply holds the lock: the record a running swarmform writes.
  std::string record = R"({"id":"0123456789abcdef","who":"ops@ci","pid":4242,"created":"2026-01-01T00:00:00Z","commit":""})";
  docker(lab, "config rm swarmform-lock");
  run_command("printf '%s' '" + record + "' | docker -H unix://" + lab.get("KVM4_SOCKET") +
                  " config create swarmform-lock - 2>&1", &rc);
  ASSERT_EQ(rc, 0);
  std::string dir = write_lab_state(
      lab, "services:\n  " + name + ":\n    host: kvm4\n    limits: {cpus: 0.25}\n", kWideBudget);
  auto refused = run_swarmform({"apply", "-C", dir, "--auto-approve"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("ops@ci"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("swarmform unlock 0123456789abcdef"), std::string::npos) << refused.err;
  EXPECT_EQ(inspect(lab, name)["Spec"]["TaskTemplate"]["Resources"]["Limits"]["NanoCPUs"], 500'000'000);

  EXPECT_EQ(run_swarmform({"unlock", "-C", dir, "ffffffffffffffff"}).exit_code, 1);
  auto unlocked = run_swarmform({"unlock", "-C", dir, "0123456789abcdef"});
  EXPECT_EQ(unlocked.exit_code, 0) << unlocked.err;
  auto applied = run_swarmform({"apply", "-C", dir, "--auto-approve"});
  EXPECT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  EXPECT_EQ(docker(lab, "config ls -q --filter name=swarmform-lock"), "") << "the lock was not released";
  std::filesystem::remove_all(dir);
}

TEST(CliApply, AChangeNoNodeCanTakeIsRolledBackWithTheEnginesReason) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("apply-fail");
  ServiceCleanup cleanup(lab, {name});
  ASSERT_NO_FATAL_FAILURE(create_service(
      lab, name,
      "--replicas 1 --constraint node.hostname==kvm4 --limit-memory 64M --reserve-memory 16M"
      " --update-order start-first --rollback-order start-first"));
  ASSERT_TRUE(wait_running(lab, name, 1));
  // Declared capacity above the real one (a warning, not an error) lets the
  // plan through; the engine has no node with 500 GiB to reserve.
  std::string dir = make_temp_dir("sf-fail");
  std::string state = write_lab_state(lab, "services:\n  " + name +
                                               ":\n    host: kvm4\n    limits: {memory: 600GiB}\n"
                                               "    reservations: {memory: 500GiB}\n", kWideBudget);
  run_command("sed -i 's/memory: 4GiB/memory: 1024GiB/' " + state + "/cluster.yaml");
  auto r = run_swarmform({"apply", "-C", state, "--auto-approve", "--timeout", "60s"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("rolled back"), std::string::npos) << r.out;
  EXPECT_NE((r.out + r.err).find("no suitable node"), std::string::npos) << r.out << r.err;
  auto spec = inspect(lab, name)["Spec"];
  EXPECT_EQ(spec["TaskTemplate"]["Resources"]["Reservations"]["MemoryBytes"], 16 * 1024 * 1024);
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(state);
}

}  // namespace
}  // namespace swarmform::testing
