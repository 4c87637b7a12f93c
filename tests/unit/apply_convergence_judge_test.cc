// The convergence judge against task lists shaped like the lab's
// `GET /v1.41/tasks?filters={"service":[id]}` answers (Docker 20.10.24).

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "reconciler/apply/convergence_judge.h"
#include "reconciler/apply/convergence_target.h"
#include "reconciler/apply/task_match.h"

namespace swarmform::apply {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using Verdict = Observation::Verdict;

const NodeNames kNodes = {{"j90d89rud1eohf70j5k5yla79", "kvm4"},
                          {"5ohzmbp7alqy69l24l85we02m", "kvm2"}};
const std::string kKvm4 = "j90d89rud1eohf70j5k5yla79";
const std::string kKvm2 = "5ohzmbp7alqy69l24l85we02m";

/// Spec.TaskTemplate of a service after `--limit-cpu 0.5 --constraint node.hostname==kvm2`.
const json kNewTemplate = json::parse(R"({
  "ContainerSpec": {"Image": "local/busybox:1", "Env": ["A=1"], "Init": false, "DNSConfig": {},
                    "Isolation": "default"},
  "Resources": {"Limits": {"NanoCPUs": 500000000, "MemoryBytes": 67108864},
                "Reservations": {}},
  "Placement": {"Constraints": ["node.hostname==kvm2", "node.role!=foo"]},
  "ForceUpdate": 0,
  "Runtime": "container"
})");

/// The same service before: 0.25 CPUs on kvm4.
json old_template() {
  json t = kNewTemplate;
  t["Resources"]["Limits"]["NanoCPUs"] = 250000000;
  t["Placement"]["Constraints"][0] = "node.hostname==kvm4";
  return t;
}

/// A task's Spec as the engine shows it: the template without "Runtime".
json task_spec(const json& tmpl) {
  json s = tmpl;
  s.erase("Runtime");
  return s;
}

json task(const std::string& id, const std::string& desired, const std::string& state,
          const json& tmpl, const std::string& node_id, const std::string& err = "",
          const std::string& message = "") {
  json status = {{"Timestamp", "2026-11-26T20:18:21.057000969Z"},
                 {"State", state},
                 {"Message", message.empty() ? state : message}};
  if (!err.empty()) status["Err"] = err;
  json t = {{"ID", id},
            {"Version", {{"Index", 240}}},
            {"Spec", task_spec(tmpl)},
            {"ServiceID", "3p8t7bc55pivoqq8bzg6gxvob"},
            {"Slot", 1},
            {"Status", status},
            {"DesiredState", desired}};
  if (!node_id.empty()) t["NodeID"] = node_id;
  return t;
}

ConvergenceTarget target(std::optional<uint64_t> replicas, std::string node = "kvm2") {
  return ConvergenceTarget{"3p8t7bc55pivoqq8bzg6gxvob", "sf-judge", replicas, std::move(node),
                           kNewTemplate};
}

const auto t0 = std::chrono::steady_clock::time_point{} + seconds(1000);

Observation observe(ConvergenceJudge& judge, const json& tasks,
                    std::chrono::steady_clock::time_point now = t0) {
  auto obs = judge.observe(tasks, kNodes, now);
  EXPECT_TRUE(obs) << obs.error().message;
  return obs ? *obs : Observation{};
}

TEST(ApplyTaskMatch, ComparesResourcesPlacementAndForceUpdateIgnoringEmptyValues) {
  EXPECT_TRUE(runs_template(task_spec(kNewTemplate), kNewTemplate));
  EXPECT_FALSE(runs_template(task_spec(old_template()), kNewTemplate));
  json no_limits = kNewTemplate;
  no_limits["Resources"]["Limits"] = json::object();
  json absent = no_limits;
  absent["Resources"].erase("Limits");
  EXPECT_TRUE(runs_template(task_spec(absent), no_limits));  // {} and absent are both "none"
  json zero = no_limits;
  zero["Resources"]["Limits"] = {{"NanoCPUs", 0}};
  EXPECT_TRUE(runs_template(task_spec(zero), absent));
  json forced = kNewTemplate;
  forced["ForceUpdate"] = 1;
  EXPECT_FALSE(runs_template(task_spec(kNewTemplate), forced));
  json other_env = task_spec(kNewTemplate);
  other_env["ContainerSpec"]["Env"] = {"A=2"};  // not compared: apply never changes it
  EXPECT_TRUE(runs_template(other_env, kNewTemplate));
  EXPECT_FALSE(runs_template(json::array(), kNewTemplate));
  EXPECT_EQ(without_empty_values(json::parse(R"({"a":{},"b":[],"c":0,"d":"","e":{"f":null},
                                                 "g":[1,{}],"h":false,"i":"x"})")),
            json::parse(R"({"g":[1,{}],"i":"x"})"));
}

TEST(ApplyConvergenceTarget, FromAnInspectedService) {
  json service = {{"ID", "abc"},
                  {"Version", {{"Index", 7}}},
                  {"Spec",
                   {{"Name", "sf-judge"},
                    {"TaskTemplate", kNewTemplate},
                    {"Mode", {{"Replicated", {{"Replicas", 2}}}}}}}};
  auto t = convergence_target(service);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->service_id, "abc");
  EXPECT_EQ(t->service_name, "sf-judge");
  EXPECT_EQ(t->replicas, 2U);
  EXPECT_EQ(t->node, "kvm2");
  EXPECT_EQ(t->task_template, kNewTemplate);

  service["Spec"]["Mode"] = {{"Global", json::object()}};
  EXPECT_EQ(convergence_target(service)->replicas, std::nullopt);
  service["Spec"]["Mode"] = {{"ReplicatedJob", {{"MaxConcurrent", 1}}}};
  EXPECT_EQ(convergence_target(service).error().message,
            "sf-judge: a ReplicatedJob runs to completion; there is no convergence to wait for");
  EXPECT_FALSE(convergence_target(json::object()));
}

TEST(ApplyConvergenceJudge, CountsOnlyRunningTasksOfTheNewSpecOnTheTargetNode) {
  ConvergenceJudge judge(target(2), {});
  // Mid-update (stop-first): the old task stopped, a new one starting.
  Observation mid = observe(judge, json::array({
                                       task("old1", "shutdown", "shutdown", old_template(), kKvm4),
                                       task("new1", "running", "running", kNewTemplate, kKvm2),
                                       task("new2", "running", "starting", kNewTemplate, kKvm2),
                                   }));
  EXPECT_EQ(mid.verdict, Verdict::waiting);
  EXPECT_EQ(mid.running, 1U);
  EXPECT_EQ(mid.desired, 2U);
  EXPECT_EQ(mid.node, "kvm2");
  // An old task still running (start-first, or stopping): not converged yet.
  Observation lingering =
      observe(judge, json::array({
                         task("old1", "shutdown", "running", old_template(), kKvm4),
                         task("new1", "running", "running", kNewTemplate, kKvm2),
                         task("new2", "running", "running", kNewTemplate, kKvm2),
                     }));
  EXPECT_EQ(lingering.running, 2U);
  EXPECT_EQ(lingering.verdict, Verdict::waiting);
  Observation done = observe(judge, json::array({
                                        task("old1", "shutdown", "shutdown", old_template(), kKvm4),
                                        task("new1", "running", "running", kNewTemplate, kKvm2),
                                        task("new2", "running", "running", kNewTemplate, kKvm2),
                                    }));
  EXPECT_EQ(done.verdict, Verdict::converged);
  EXPECT_EQ(done.running, 2U);
}

TEST(ApplyConvergenceJudge, AnOldSpecTaskRunningIsNotCounted) {
  ConvergenceJudge judge(target(1, ""), {});
  Observation obs = observe(judge, json::array({
                                       task("old1", "running", "running", old_template(), kKvm4),
                                   }));
  EXPECT_EQ(obs.running, 0U);
  EXPECT_EQ(obs.verdict, Verdict::waiting);
  EXPECT_EQ(obs.node, "");
  Observation moved =
      observe(judge, json::array({
                         task("old1", "shutdown", "shutdown", old_template(), kKvm4),
                         task("new1", "running", "running", kNewTemplate, kKvm2),
                     }));
  EXPECT_EQ(moved.verdict, Verdict::converged);
  EXPECT_EQ(moved.node, "kvm2");  // no target node: where the tasks run
}

TEST(ApplyConvergenceJudge, ScaleDownWaitsForTheExtraTasksToStop) {
  ConvergenceJudge judge(target(1), {});
  Observation stopping = observe(judge, json::array({
                                            task("a", "running", "running", kNewTemplate, kKvm2),
                                            task("b", "shutdown", "running", kNewTemplate, kKvm2),
                                        }));
  EXPECT_EQ(stopping.running, 1U);
  EXPECT_EQ(stopping.verdict, Verdict::waiting);
  ConvergenceJudge zero(target(0), {});
  EXPECT_EQ(
      observe(zero, json::array({task("a", "shutdown", "running", kNewTemplate, kKvm2)})).verdict,
      Verdict::waiting);
  EXPECT_EQ(
      observe(zero, json::array({task("a", "shutdown", "shutdown", kNewTemplate, kKvm2)})).verdict,
      Verdict::converged);
}

TEST(ApplyConvergenceJudge, UnschedulableAfterTheGracePeriodFailsWithTheEnginesReason) {
  ConvergenceJudge judge(target(1), JudgeLimits{.unschedulable_grace = seconds(5)});
  const std::string why = "no suitable node (insufficient resources on 2 nodes)";
  json tasks = json::array({
      task("old1", "shutdown", "shutdown", old_template(), kKvm4),
      task("new1", "ready", "pending", kNewTemplate, "", why, "pending task scheduling"),
  });
  Observation first = observe(judge, tasks, t0);
  EXPECT_EQ(first.verdict, Verdict::waiting);
  EXPECT_EQ(first.messages, std::vector<std::string>{"pending: " + why});
  tasks[1]["DesiredState"] = "running";
  EXPECT_EQ(observe(judge, tasks, t0 + seconds(4)).verdict, Verdict::waiting);
  Observation late = observe(judge, tasks, t0 + seconds(5));
  EXPECT_EQ(late.verdict, Verdict::failed);
  EXPECT_EQ(late.failure, "sf-judge: a task of the new spec stayed pending for 5.0s: " + why);
}

TEST(ApplyConvergenceJudge, PendingThatGetsScheduledStartsTheGraceAgain) {
  ConvergenceJudge judge(target(1), JudgeLimits{.unschedulable_grace = seconds(5)});
  json pending =
      json::array({task("n1", "running", "pending", kNewTemplate, "", "no suitable node")});
  observe(judge, pending, t0);
  observe(judge, json::array({task("n1", "running", "assigned", kNewTemplate, kKvm2)}),
          t0 + seconds(3));
  EXPECT_EQ(observe(judge, pending, t0 + seconds(6)).verdict, Verdict::waiting);
  EXPECT_EQ(observe(judge, pending, t0 + seconds(11)).verdict, Verdict::failed);
}

TEST(ApplyConvergenceJudge, RepeatedRejectionsFailNamingTheEngineError) {
  ConvergenceJudge judge(target(1), JudgeLimits{.max_failed_tasks = 3});
  const std::string why = "Minimum memory limit allowed is 6MB";
  json tasks =
      json::array({task("old", "shutdown", "shutdown", old_template(), kKvm4),
                   task("r1", "ready", "rejected", kNewTemplate, kKvm2, why, "preparing")});
  EXPECT_EQ(observe(judge, tasks).verdict, Verdict::waiting);  // r1 was there before: not counted
  tasks[1]["DesiredState"] = "shutdown";
  tasks.push_back(task("r2", "shutdown", "rejected", kNewTemplate, kKvm2, why, "preparing"));
  tasks.push_back(task("r3", "ready", "rejected", kNewTemplate, kKvm2, why, "preparing"));
  Observation two = observe(judge, tasks);
  EXPECT_EQ(two.verdict, Verdict::waiting);
  EXPECT_EQ(two.messages, std::vector<std::string>{"rejected on kvm2: " + why});
  tasks.push_back(task("r4", "ready", "failed", kNewTemplate, kKvm2, "task: non-zero exit (137)"));
  Observation three = observe(judge, tasks);
  EXPECT_EQ(three.verdict, Verdict::failed);
  EXPECT_EQ(three.failure,
            "sf-judge: 3 tasks of the new spec failed: failed on kvm2: task: "
            "non-zero exit (137); rejected on kvm2: " +
                why);
}

TEST(ApplyConvergenceJudge, FailuresOfTheOldSpecAreNotOurs) {
  ConvergenceJudge judge(target(1), JudgeLimits{.max_failed_tasks = 1});
  observe(judge, json::array());
  Observation obs = observe(
      judge, json::array({
                 task("x", "shutdown", "failed", old_template(), kKvm4, "task: non-zero exit (1)"),
             }));
  EXPECT_EQ(obs.verdict, Verdict::waiting);
  EXPECT_TRUE(obs.messages.empty());
}

TEST(ApplyConvergenceJudge, GlobalServicesNeedEveryWantedNodeTwiceInARow) {
  ConvergenceJudge judge(target(std::nullopt, ""), {});
  json half = json::array({
      task("a-old", "shutdown", "shutdown", old_template(), kKvm4),
      task("a-new", "running", "running", kNewTemplate, kKvm4),
      task("b-old", "running", "running", old_template(), kKvm2),
  });
  Observation h = observe(judge, half);
  EXPECT_EQ(h.desired, 2U);
  EXPECT_EQ(h.running, 1U);
  EXPECT_EQ(h.verdict, Verdict::waiting);
  json all = json::array({
      task("a-new", "running", "running", kNewTemplate, kKvm4),
      task("b-old", "shutdown", "shutdown", old_template(), kKvm2),
      task("b-new", "running", "running", kNewTemplate, kKvm2),
  });
  Observation once = observe(judge, all);
  EXPECT_EQ(once.running, 2U);
  EXPECT_EQ(once.node, "kvm2,kvm4");
  EXPECT_EQ(once.verdict, Verdict::waiting);
  EXPECT_EQ(observe(judge, all).verdict, Verdict::converged);
  ConvergenceJudge empty(target(std::nullopt, ""), {});
  observe(empty, json::array());
  EXPECT_EQ(observe(empty, json::array()).verdict, Verdict::waiting);  // no node wants it yet
}

/// A service as `GET /services/{id}` shows it: the written spec (kNewTemplate,
/// 2 replicas) or `spec_template`, with the old one as PreviousSpec.
json service(const json& spec_template = kNewTemplate, uint64_t replicas = 2,
             uint64_t version = 250, const json& previous_template = old_template()) {
  auto spec = [](const json& tmpl, uint64_t n) {
    return json{{"Name", "sf-judge"},
                {"Labels", {{"swarmform.managed", "true"}}},
                {"TaskTemplate", tmpl},
                {"Mode", {{"Replicated", {{"Replicas", n}}}}}};
  };
  return json{{"ID", "3p8t7bc55pivoqq8bzg6gxvob"},
              {"Version", {{"Index", version}}},
              {"Spec", spec(spec_template, replicas)},
              {"PreviousSpec", spec(previous_template, 2)},
              {"UpdateStatus", {{"State", "updating"}}}};
}

ConvergenceJudge written_judge() {
  auto t = convergence_target(service());
  EXPECT_TRUE(t) << t.error().message;
  return ConvergenceJudge(t ? *t : ConvergenceTarget{}, {});
}

const json kTwoRunning = json::array({
    task("old1", "shutdown", "shutdown", old_template(), kKvm4),
    task("new1", "running", "running", kNewTemplate, kKvm2),
    task("new2", "running", "running", kNewTemplate, kKvm2),
});

TEST(ApplyConvergenceJudge, TheWrittenSpecUnderANewVersionIndexIsStillOurs) {
  ConvergenceJudge judge = written_judge();
  // Swarm bumps Version.Index by itself when it marks the update completed.
  json completed = service(kNewTemplate, 2, 262);
  completed["UpdateStatus"]["State"] = "completed";
  EXPECT_EQ(judge.changed_elsewhere(completed).value(), "");
  // Fields swarmform does not compare (env, labels) moved: still converging to ours.
  json env = service();
  env["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"] = {"A=2"};
  env["Spec"]["Labels"]["team"] = "shop";
  EXPECT_EQ(judge.changed_elsewhere(env).value(), "");
  auto obs = judge.observe(completed, kTwoRunning, kNodes, t0);
  ASSERT_TRUE(obs) << obs.error().message;
  EXPECT_EQ(obs->verdict, Verdict::converged);
}

/// A spec version that is neither the one written nor the previous one: the
/// wait stops at once with what moved, whatever the tasks say.
TEST(ApplyConvergenceJudge, ASpecChangedByHandDuringTheWaitIsChangedElsewhere) {
  struct Case {
    const char* what;
    json service;
    std::string failure;
  };
  json more_cpu = kNewTemplate;
  more_cpu["Resources"]["Limits"]["NanoCPUs"] = 750000000;
  json other_node = kNewTemplate;
  other_node["Placement"]["Constraints"][0] = "node.hostname==kvm4";
  json extra_constraint = kNewTemplate;
  extra_constraint["Placement"]["Constraints"].push_back("node.labels.zone==a");
  json forced = kNewTemplate;
  forced["ForceUpdate"] = 1;
  const std::string someone = "sf-judge: changed by someone else during apply (written -> now): ";
  const std::vector<Case> cases = {
      // As the engine shows it after `docker service update`: ours is now PreviousSpec.
      {"limit", service(more_cpu, 2, 251, kNewTemplate), someone + "limits.cpus: 0.5 -> 0.75"},
      {"replicas", service(kNewTemplate, 3, 251), someone + "replicas: 2 -> 3"},
      {"node", service(other_node, 2, 251), someone + "node: kvm2 -> kvm4"},
      {"constraint", service(extra_constraint, 2, 251),
       someone + "its task template (resources, placement or force update)"},
      {"force", service(forced, 2, 251),
       someone + "its task template (resources, placement or force update)"},
      // `docker service rollback` (or failure_action: rollback) swaps Spec and PreviousSpec.
      {"rollback", service(old_template(), 2, 251, kNewTemplate),
       "sf-judge: went back to its previous spec during apply (a `docker service rollback`, or "
       "the engine's update failure_action) (written -> now): limits.cpus: 0.5 -> 0.25; node: "
       "kvm2 -> kvm4"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    ConvergenceJudge judge = written_judge();
    EXPECT_EQ(judge.changed_elsewhere(c.service).value(), c.failure);
    // The tasks already run the other person's spec: still not "converged", not "waiting".
    auto obs = judge.observe(c.service, kTwoRunning, kNodes, t0);
    ASSERT_TRUE(obs) << obs.error().message;
    EXPECT_EQ(obs->verdict, Verdict::changed_elsewhere);
    EXPECT_EQ(obs->failure, c.failure);
  }
  ConvergenceJudge judge = written_judge();
  EXPECT_EQ(judge.changed_elsewhere(json::array()).error().message, "service: expected an object");
}

TEST(ApplyConvergenceJudge, UnschedulableIsToldAtOnceAndFailsAfterAShortGrace) {
  ConvergenceJudge judge(target(1), {});  // the default grace
  const std::string why = "no suitable node (insufficient resources on 2 nodes)";
  json tasks = json::array({
      task("old1", "shutdown", "shutdown", old_template(), kKvm4),
      task("new1", "running", "pending", kNewTemplate, "", why, "pending task scheduling"),
  });
  Observation first = observe(judge, tasks, t0);
  EXPECT_EQ(first.verdict, Verdict::waiting);
  // What a wait that runs out of time reports: the engine's words, not "timed out".
  EXPECT_EQ(first.unschedulable, "sf-judge: a task of the new spec stayed pending for 0.0s: " + why);
  Observation late = observe(judge, tasks, t0 + seconds(5));
  EXPECT_EQ(late.verdict, Verdict::failed);
  EXPECT_EQ(late.failure, "sf-judge: a task of the new spec stayed pending for 5.0s: " + why);
}

TEST(ApplyConvergenceJudge, TheSchedulersWordsInStatusMessageCountToo) {
  ConvergenceJudge judge(target(1), JudgeLimits{.unschedulable_grace = seconds(2)});
  const std::string why = "no suitable node (scheduling constraints not satisfied on 2 nodes)";
  json tasks = json::array({task("new1", "running", "pending", kNewTemplate, "", "", why)});
  EXPECT_EQ(observe(judge, tasks, t0).messages, std::vector<std::string>{"pending: " + why});
  EXPECT_EQ(observe(judge, tasks, t0 + seconds(2)).failure,
            "sf-judge: a task of the new spec stayed pending for 2.0s: " + why);
  // An ordinary pending task (not yet looked at by the scheduler) is no failure.
  ConvergenceJudge plain(target(1), JudgeLimits{.unschedulable_grace = seconds(2)});
  json waiting = json::array({task("new1", "running", "pending", kNewTemplate, "", "",
                                   "pending task scheduling")});
  observe(plain, waiting, t0);
  Observation later = observe(plain, waiting, t0 + seconds(9));
  EXPECT_EQ(later.verdict, Verdict::waiting);
  EXPECT_EQ(later.unschedulable, "");
}

TEST(ApplyConvergenceJudge, TheGraceWaitsForTheServicesStoppingTasks) {
  ConvergenceJudge judge(target(1), JudgeLimits{.unschedulable_grace = seconds(5)});
  const std::string why = "no suitable node (insufficient resources on 1 node)";
  // The old task still holds its reservation while it stops.
  json stopping = json::array({
      task("old1", "shutdown", "running", old_template(), kKvm2),
      task("new1", "running", "pending", kNewTemplate, "", why),
  });
  observe(judge, stopping, t0);
  EXPECT_EQ(observe(judge, stopping, t0 + seconds(8)).verdict, Verdict::waiting);
  json stopped = stopping;
  stopped[0]["Status"]["State"] = "shutdown";
  EXPECT_EQ(observe(judge, stopped, t0 + seconds(9)).verdict, Verdict::waiting);
  Observation failed = observe(judge, stopped, t0 + seconds(14));
  EXPECT_EQ(failed.verdict, Verdict::failed);
  EXPECT_EQ(failed.failure, "sf-judge: a task of the new spec stayed pending for 5.0s: " + why);
}

/// A rollback is judged by the tasks of the previous spec running again: one
/// whose tasks never run is a failure in the engine's words, named as the
/// previous spec's, never a success.
TEST(ApplyConvergenceJudge, ARollbackWhoseTasksNeverRunFailsNamingThePreviousSpec) {
  auto back = convergence_target(service(old_template(), 1, 270, kNewTemplate));
  ASSERT_TRUE(back) << back.error().message;
  back->rollback = true;
  ConvergenceJudge judge(*back, JudgeLimits{.unschedulable_grace = seconds(5)});
  const std::string why = "no suitable node (scheduling constraints not satisfied on 2 nodes)";
  json tasks = json::array({
      task("old1", "shutdown", "shutdown", old_template(), kKvm4),  // stopped by the update
      task("new1", "shutdown", "pending", kNewTemplate, "", why),    // the failed change's
      task("back1", "running", "pending", old_template(), "", why),  // the rollback's
  });
  EXPECT_EQ(observe(judge, tasks, t0).verdict, Verdict::waiting);
  Observation obs = observe(judge, tasks, t0 + seconds(5));
  EXPECT_EQ(obs.verdict, Verdict::failed);
  EXPECT_EQ(obs.running, 0U);
  EXPECT_EQ(obs.failure, "sf-judge: a task of the previous spec stayed pending for 5.0s: " + why);

  ConvergenceJudge rejected(*back, JudgeLimits{.max_failed_tasks = 1});
  observe(rejected, json::array());
  Observation r = observe(rejected, json::array({task("back1", "running", "rejected",
                                                      old_template(), kKvm4, "invalid mount")}));
  EXPECT_EQ(r.failure, "sf-judge: 1 tasks of the previous spec failed: rejected on kvm4: invalid mount");
}

TEST(ApplyConvergenceJudge, RejectsWhatIsNotATaskList) {
  ConvergenceJudge judge(target(1), {});
  EXPECT_EQ(judge.observe(json::object(), kNodes, t0).error().message, "tasks: expected an array");
  EXPECT_EQ(judge.observe(json::array({1}), kNodes, t0).error().message,
            "tasks[0]: expected an object");
  json bad = json::array({task("a", "running", "running", kNewTemplate, kKvm2)});
  bad[0]["Status"]["State"] = 3;
  EXPECT_EQ(judge.observe(bad, kNodes, t0).error().message,
            "tasks[0].Status.State: expected a string");
}

}  // namespace
}  // namespace swarmform::apply
