// `apply PLANFILE` against the real lab: a saved plan is a CI artifact that
// passes through other hands, and the swarm moves after it was made.  An
// edited plan file, a plan onto a node that cannot take tasks any more, a
// plan without the desired state it came from are all refused before any
// service is touched (unit/cli_apply_saved_plan_refusals_test.cc: what needs
// no lab).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/lab_state.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

/// Writes `from` edited by `edit` (on its JSON) to `to`.
void edit_plan(const std::string& from, const std::string& to,
               const std::function<void(nlohmann::json& service)>& edit_service, const std::string& service) {
  nlohmann::json plan = nlohmann::json::parse(read_text(from));
  bool found = false;
  for (auto& s : plan["services"]) {
    if (s["name"] == service) {
      edit_service(s);
      found = true;
    }
  }
  ASSERT_TRUE(found) << service << " is not in " << from;
  write_file(to, plan.dump(2));
}

/// The ids of the tasks `service` runs (desired state running), sorted.
std::string running_tasks(const Lab& lab, const std::string& service) {
  return docker(lab, "service ps " + service + " -q --filter desired-state=running | sort");
}

/// Sets a node's availability for the life of the guard, and back to active
/// when it ends, also when the test fails.
class NodeAvailability {
 public:
  NodeAvailability(const Lab& lab, std::string node, const std::string& availability)
      : lab_(lab), node_(std::move(node)) {
    docker(lab_, "node update --availability " + availability + " " + node_, &status_);
  }
  ~NodeAvailability() { docker(lab_, "node update --availability active " + node_); }
  NodeAvailability(const NodeAvailability&) = delete;
  NodeAvailability& operator=(const NodeAvailability&) = delete;
  [[nodiscard]] int status() const { return status_; }

 private:
  const Lab& lab_;
  std::string node_;
  int status_ = -1;
};

TEST(CliApplySavedPlan, AnEditedPlanFileIsRefusedAndTheSwarmIsUnchanged) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("saved-edit");
  ServiceCleanup cleanup(lab, {name});
  ASSERT_NO_FATAL_FAILURE(create_service(
      lab, name,
      "--replicas 1 --constraint node.hostname==kvm4 --limit-cpu 0.5 --limit-memory 64M"));
  // Reviewed: the limit goes 0.5 -> 0.25 CPUs; prune stays off.
  std::string dir = write_lab_state(
      lab, "services:\n  " + name + ":\n    host: kvm4\n    replicas: 1\n    limits: {cpus: 0.25, memory: 64MiB}\n",
      kWideBudget);
  const std::string saved = dir + "/saved.plan";
  ASSERT_EQ(run_swarmform({"plan", "-C", dir, "--out", saved}).exit_code, 0);

  // desired.limits edited to 1.9 CPUs, the diff beside it left as reviewed.
  const std::string limits = dir + "/limits.plan";
  edit_plan(saved, limits, [](nlohmann::json& s) { s["desired"]["limits"]["nano_cpus"] = 1'900'000'000u; }, name);
  auto shown = run_swarmform({"show", limits});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("limits.cpus: 0.5 → 1.9"), std::string::npos)
      << "show must print what apply would write\n" << shown.out;
  auto r = run_swarmform({"apply", "-C", dir, limits});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("the plan file does not match the desired state it claims to come from"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Make a new plan"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(name + ": limits.cpus: the plan writes 1.9, planned again: 0.25"), std::string::npos)
      << r.err;

  // The action edited to "delete", with policy.prune off.
  const std::string remove = dir + "/delete.plan";
  edit_plan(saved, remove, [](nlohmann::json& s) { s["action"] = "delete"; }, name);
  r = run_swarmform({"apply", "-C", dir, remove});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("the plan file does not match the desired state it claims to come from"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(name + ": the plan says delete, planned again: update"), std::string::npos) << r.err;

  // The desired state edited after the plan: not the one it was made from.
  write_file(dir + "/services.yaml", "services:\n  " + name +
                                         ":\n    host: kvm4\n    replicas: 1\n    limits: {cpus: 0.3, memory: 64MiB}\n");
  r = run_swarmform({"apply", "-C", dir, saved});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("is not the one the plan was made from"), std::string::npos) << r.err;

  // Nothing was touched: the service exists, as it was created, never updated.
  auto after = service_json(lab, name);
  EXPECT_EQ(after["Spec"]["TaskTemplate"]["Resources"]["Limits"]["NanoCPUs"], 500'000'000);
  EXPECT_TRUE(after["PreviousSpec"].is_null()) << after["PreviousSpec"].dump();
  EXPECT_EQ(docker(lab, "config ls -q --filter name=swarmform-lock"), "") << "the lock was left behind";
  std::filesystem::remove_all(dir);
}

TEST(CliApplySavedPlan, AMoveOntoANodePausedSinceThePlanIsRefusedBeforeAnythingChanges) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("saved-paused");
  ServiceCleanup cleanup(lab, {name});
  ASSERT_NO_FATAL_FAILURE(create_service(
      lab, name,
      "--replicas 1 --constraint node.hostname==kvm4 --limit-cpu 0.25 --limit-memory 32M"));
  ASSERT_TRUE(wait_running(lab, name, 1));
  std::string dir = write_lab_state(
      lab, "services:\n  " + name + ":\n    host: kvm2\n    replicas: 1\n    limits: {cpus: 0.25, memory: 32MiB}\n",
      kWideBudget);
  const std::string saved = dir + "/saved.plan";
  auto planned = run_swarmform({"plan", "-C", dir, "--out", saved});
  ASSERT_EQ(planned.exit_code, 0) << planned.out << planned.err;
  const std::string tasks = running_tasks(lab, name);
  ASSERT_FALSE(tasks.empty());

  {
    NodeAvailability paused(lab, "kvm2", "pause");
    ASSERT_EQ(paused.status(), 0);
    auto r = run_swarmform({"apply", "-C", dir, saved, "--timeout", "20s"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("host kvm2: node 'kvm2' is paused: cannot place " + name), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("the swarm changed since the plan was made"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("Applying"), std::string::npos) << r.out;
  }

  // Never updated, still pinned to kvm4, the same task still running.
  auto after = service_json(lab, name);
  EXPECT_TRUE(after["PreviousSpec"].is_null()) << after["PreviousSpec"].dump();
  EXPECT_EQ(after["Spec"]["TaskTemplate"]["Placement"]["Constraints"], nlohmann::json{"node.hostname==kvm4"});
  EXPECT_EQ(running_tasks(lab, name), tasks);
  EXPECT_EQ(docker(lab, "node inspect kvm2 --format '{{.Spec.Availability}}'"), "active\n");
  EXPECT_EQ(docker(lab, "config ls -q --filter name=swarmform-lock"), "") << "the lock was left behind";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace swarmform::testing
