// The plan of services that declare no host, global services, a mode the
// swarm does not run, and pins by node id (issue 13: import's desired state
// must plan empty on the swarm it came from).

#include <gtest/gtest.h>

#include "reconciler/engine/spec_create.h"
#include "reconciler/engine/spec_rewrite.h"
#include "reconciler/model/capacity.h"
#include "reconciler/model/placement.h"
#include "reconciler/plan/compute.h"
#include "reconciler/plan/plan_file.h"
#include "reconciler/plan/plan_match.h"
#include "unit/plan_fixtures.h"

namespace swarmform::plan {
namespace {

using namespace swarmform::plan::testing;
using model::DesiredState;
using model::LiveState;

/// A live replicated service with `tasks` running on `node`, these constraints.
model::LiveService live_service(LiveState& live, const std::string& name, const std::string& node, uint64_t tasks,
                                std::vector<std::string> constraints) {
  model::LiveService s;
  s.id = "id-" + name;
  s.name = name;
  s.version_index = 7;
  s.replicas = tasks;
  s.limits = {cpus(0.5), 256 * kMi};
  s.constraints = std::move(constraints);
  for (uint64_t t = 0; t < tasks; ++t) {
    model::LiveTask task;
    task.id = s.id + "-" + std::to_string(t);
    task.service_id = s.id;
    task.node_id = "node-" + node;
    task.desired_state = "running";
    task.state = "running";
    live.tasks.push_back(task);
  }
  return s;
}

LiveState two_nodes() {
  LiveState live;
  live.nodes = {make_node("kvm4", cpus(4), 16 * kGi), make_node("kvm2", cpus(2), 8 * kGi)};
  return live;
}

model::Service declared(const std::string& name, const std::string& host) {
  model::Service s = make_service(name, host);
  s.limits = {cpus(0.5), 256 * kMi};
  return s;
}

const ServiceChange& change_of(const Plan& p, const std::string& name) {
  for (const auto& c : p.services) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("no change for " + name);
}

std::string findings(const Plan& p) {
  std::string out;
  for (const auto& f : p.findings) out += f.subject + ": " + f.message + "\n";
  return out;
}

// --- a service that declares no host --------------------------------------------

TEST(PlanUnpinned, PlacementIsNotOwnedWhereverItRuns) {
  DesiredState d = kvm4_and_kvm2();
  d.services["web"] = declared("web", "");
  LiveState live = two_nodes();
  // Pinned by someone else to kvm4, or by nothing: either way not swarmform's.
  for (std::vector<std::string> constraints :
       {std::vector<std::string>{"node.hostname==kvm4"}, std::vector<std::string>{}}) {
    live.services = {live_service(live, "web", "kvm4", 2, constraints)};
    Plan p = compute_plan(d, live, {});
    EXPECT_TRUE(p.empty());
    EXPECT_TRUE(p.findings.empty()) << findings(p);
    const ServiceChange& c = change_of(p, "web");
    EXPECT_EQ(c.action, Action::noop);
    EXPECT_FALSE(c.desired.node.has_value());
    EXPECT_EQ(c.desired_host, "");
    EXPECT_EQ(c.to_host, "kvm4");  // where its tasks run now
    EXPECT_EQ(c.from_host, "kvm4");
  }
}

TEST(PlanUnpinned, ALimitChangeWritesNoPlacement) {
  DesiredState d = kvm4_and_kvm2();
  d.services["web"] = declared("web", "");
  d.services["web"].limits.nano_cpus = cpus(1);
  LiveState live = two_nodes();
  live.services = {live_service(live, "web", "kvm2", 1, {"node.role==worker"})};
  Plan p = compute_plan(d, live, {});
  const ServiceChange& c = change_of(p, "web");
  ASSERT_EQ(c.action, Action::update);
  ASSERT_EQ(c.changes.size(), 1u);
  EXPECT_EQ(c.changes[0].field, "limits.cpus");
  EXPECT_FALSE(c.desired.node.has_value());
  // Apply writes the owned fields over the live spec: no constraint added.
  EXPECT_EQ(model::with_owned(live.services[0], c.desired).constraints,
            std::vector<std::string>{"node.role==worker"});
  auto spec = engine::rewrite_spec(
      nlohmann::json{{"TaskTemplate", {{"Placement", {{"Constraints", {"node.role==worker"}}}}}}}, c.desired, {});
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ((*spec)["TaskTemplate"]["Placement"]["Constraints"], nlohmann::json::array({"node.role==worker"}));
  // Its capacity is where its tasks run, before and after.
  EXPECT_EQ(p.hosts[0].host, "kvm2");
  EXPECT_EQ(p.hosts[0].after.limits.nano_cpus, cpus(1));
  EXPECT_EQ(p.hosts[1].after.limits.nano_cpus, 0);
}

TEST(PlanUnpinned, NoTasksReadsNotPinned) {
  DesiredState d = kvm4_and_kvm2();
  d.services["web"] = declared("web", "");
  LiveState live = two_nodes();
  live.services = {live_service(live, "web", "kvm2", 0, {})};
  Plan p = compute_plan(d, live, {});
  EXPECT_EQ(change_of(p, "web").to_host, "(not pinned)");
  EXPECT_TRUE(p.empty());
}

TEST(PlanUnpinned, ACreateIsUnpinnedAndTheFileKeepsIt) {
  DesiredState d = kvm4_and_kvm2();
  model::Service web = declared("web", "");
  web.image = "local/busybox:1";
  web.replicas = 2;
  d.services["web"] = web;
  Plan p = compute_plan(d, two_nodes(), {});
  const ServiceChange& c = change_of(p, "web");
  ASSERT_EQ(c.action, Action::create);
  EXPECT_EQ(c.desired_host, "");
  EXPECT_FALSE(c.desired.node.has_value());
  ASSERT_FALSE(c.changes.empty());
  EXPECT_EQ(c.changes[0].field, "host");
  EXPECT_EQ(c.changes[0].after, "(not pinned)");
  EXPECT_EQ(c.to_host, "(not pinned)");
  EXPECT_EQ(c.tasks_after, 2u);
  EXPECT_FALSE(p.blocked()) << findings(p);
  nlohmann::json spec = engine::create_spec(*c.create, c.live_name, c.desired);
  EXPECT_FALSE(spec["TaskTemplate"].contains("Placement")) << spec.dump();
  EXPECT_EQ(spec["Mode"], (nlohmann::json{{"Replicated", {{"Replicas", 2}}}}));

  // The plan file carries a create without desired.host, and reads back the same.
  std::string text = plan_json_text(p);
  Result<Plan> back = parse_plan_json_text(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(plan_json_text(*back), text);
  const ServiceChange& b = change_of(*back, "web");
  EXPECT_EQ(b.desired_host, "");
  EXPECT_FALSE(b.desired.node.has_value());
  EXPECT_TRUE(compare_changes(*back, p).empty());
}

TEST(PlanUnpinned, AFileWhoseCreatePinsANodeWithoutAHostIsRefused) {
  DesiredState d = kvm4_and_kvm2();
  model::Service web = declared("web", "kvm2");
  web.image = "local/busybox:1";
  d.services["web"] = web;
  nlohmann::json doc = nlohmann::json::parse(plan_json_text(compute_plan(d, two_nodes(), {})));
  for (auto& s : doc["services"]) {
    if (s["name"] == "web") s["desired"].erase("host");
  }
  Result<Plan> back = decode_plan(doc);
  ASSERT_FALSE(back);
  EXPECT_NE(back.error().message.find("a create that pins a node needs desired.host"), std::string::npos)
      << back.error().message;
}

TEST(PlanUnpinned, TasksThatMovedSinceThePlanAreNotAMismatch) {
  DesiredState d = kvm4_and_kvm2();
  d.services["web"] = declared("web", "");
  d.services["web"].limits.nano_cpus = cpus(1);
  LiveState live = two_nodes();
  live.services = {live_service(live, "web", "kvm4", 1, {})};
  Plan saved = compute_plan(d, live, {});
  for (auto& t : live.tasks) t.node_id = "node-kvm2";  // the swarm moved its task
  Plan remade = compute_plan(d, live, {});
  EXPECT_NE(change_of(saved, "web").to_host, change_of(remade, "web").to_host);
  EXPECT_TRUE(compare_changes(saved, remade).empty());
  // Declaring a host since is a mismatch.
  d.services["web"].host = "kvm4";
  EXPECT_FALSE(compare_changes(saved, compute_plan(d, live, {})).empty());
}

// --- global services ---------------------------------------------------------------

TEST(PlanGlobal, ADeclaredGlobalServicePlansEmptyAndUpdatesItsLimits) {
  DesiredState d = kvm4_and_kvm2();
  model::Service agent = declared("agent", "");
  agent.mode = model::ServiceMode::global;
  d.services["agent"] = agent;
  LiveState live = two_nodes();
  model::LiveService g = live_service(live, "agent", "kvm4", 1, {});
  g.mode = "global";
  g.global = true;
  g.replicas.reset();
  live.services = {g};
  Plan p = compute_plan(d, live, {});
  EXPECT_TRUE(p.empty());
  EXPECT_TRUE(p.findings.empty()) << findings(p);
  // One task on every node that takes tasks.
  EXPECT_EQ(p.hosts[0].before.limits.nano_cpus, cpus(0.5));
  EXPECT_EQ(p.hosts[1].before.limits.nano_cpus, cpus(0.5));

  d.services["agent"].limits.memory_bytes = 512 * kMi;
  p = compute_plan(d, live, {});
  const ServiceChange& c = change_of(p, "agent");
  ASSERT_EQ(c.action, Action::update);
  ASSERT_EQ(c.changes.size(), 1u);
  EXPECT_EQ(c.changes[0].field, "limits.memory");
  EXPECT_FALSE(c.desired.replicas.has_value());
  EXPECT_FALSE(c.desired.node.has_value());
}

TEST(PlanGlobal, ACreateWithModeGlobalCreatesAGlobalService) {
  DesiredState d = kvm4_and_kvm2();
  model::Service agent = declared("agent", "");
  agent.mode = model::ServiceMode::global;
  agent.image = "local/busybox:1";
  d.services["agent"] = agent;
  Plan p = compute_plan(d, two_nodes(), {});
  const ServiceChange& c = change_of(p, "agent");
  ASSERT_EQ(c.action, Action::create);
  EXPECT_EQ(c.tasks_after, 2u);  // both nodes
  EXPECT_EQ(c.changes[0].after, "(every node: global)");
  EXPECT_EQ(p.hosts[0].after.limits.nano_cpus, cpus(0.5));
  EXPECT_EQ(p.hosts[1].after.limits.nano_cpus, cpus(0.5));
  nlohmann::json spec = engine::create_spec(*c.create, c.live_name, c.desired);
  EXPECT_EQ(spec["Mode"], (nlohmann::json{{"Global", nlohmann::json::object()}})) << spec.dump();
  EXPECT_FALSE(spec["TaskTemplate"].contains("Placement"));

  // The file carries the mode; a plan made again with another mode differs.
  Result<Plan> back = parse_plan_json_text(plan_json_text(p));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(change_of(*back, "agent").create->mode, model::ServiceMode::global);
  d.services["agent"].mode = model::ServiceMode::replicated;
  auto mismatches = compare_changes(*back, compute_plan(d, two_nodes(), {}));
  ASSERT_FALSE(mismatches.empty());
}

// --- a mode the swarm does not run ------------------------------------------------

TEST(PlanMode, AModeDifferentFromTheLiveOneIsAnErrorAndNothingIsPlanned) {
  DesiredState d = kvm4_and_kvm2();
  model::Service web = declared("web", "kvm4");
  web.mode = model::ServiceMode::global;
  web.limits.nano_cpus = cpus(1);  // would be an update
  d.services["web"] = web;
  LiveState live = two_nodes();
  live.services = {live_service(live, "web", "kvm4", 1, {"node.hostname==kvm4"})};
  Plan p = compute_plan(d, live, {});
  EXPECT_TRUE(p.blocked());
  EXPECT_TRUE(p.services.empty());
  EXPECT_EQ(findings(p),
            "web: runs in replicated mode; the desired state says global: the swarm cannot change a service's mode "
            "in place — remove and recreate it, or declare `mode: replicated`\n");
}

// --- pins by node id ----------------------------------------------------------------

TEST(PlanNodeIdPin, APinByTheDeclaredNodesIdIsPlacedAsDeclared) {
  DesiredState d = kvm4_and_kvm2();
  d.services["web"] = declared("web", "kvm2");
  LiveState live = two_nodes();
  for (std::vector<std::string> constraints :
       {std::vector<std::string>{"node.id==node-kvm2"}, std::vector<std::string>{"node.id == node-kvm2", "node.role==worker"},
        std::vector<std::string>{"node.hostname==kvm2", "node.id==node-kvm2"}}) {
    live.services = {live_service(live, "web", "kvm2", 1, constraints)};
    Plan p = compute_plan(d, live, {});
    EXPECT_TRUE(p.empty()) << ::testing::PrintToString(constraints);
    EXPECT_TRUE(p.findings.empty()) << findings(p);
    const ServiceChange& c = change_of(p, "web");
    EXPECT_EQ(c.from_host, "kvm2");
    EXPECT_EQ(c.to_host, "kvm2");
    // Not rewritten: apply leaves the pin as it is.
    EXPECT_FALSE(c.desired.node.has_value());
    EXPECT_EQ(p.hosts[0].before.limits.nano_cpus, cpus(0.5));  // counted on kvm2
  }
  // A limit change keeps the pin.
  d.services["web"].limits.nano_cpus = cpus(1);
  live.services = {live_service(live, "web", "kvm2", 1, {"node.id==node-kvm2"})};
  Plan p = compute_plan(d, live, {});
  const ServiceChange& c = change_of(p, "web");
  ASSERT_EQ(c.changes.size(), 1u);
  EXPECT_EQ(c.changes[0].field, "limits.cpus");
  EXPECT_EQ(model::with_owned(live.services[0], c.desired).constraints,
            std::vector<std::string>{"node.id==node-kvm2"});
}

TEST(PlanNodeIdPin, APinByAnotherNodesIdIsAMoveThatReplacesIt) {
  DesiredState d = kvm4_and_kvm2();
  d.services["web"] = declared("web", "kvm2");
  LiveState live = two_nodes();
  live.services = {live_service(live, "web", "kvm4", 1, {"node.id==node-kvm4", "node.role==worker"})};
  Plan p = compute_plan(d, live, {});
  const ServiceChange& c = change_of(p, "web");
  ASSERT_EQ(c.action, Action::update);
  ASSERT_EQ(c.changes.size(), 1u);
  EXPECT_EQ(c.changes[0].field, "host");
  EXPECT_EQ(c.changes[0].before, "kvm4");
  EXPECT_EQ(c.changes[0].after, "kvm2");
  EXPECT_EQ(c.desired.node, "kvm2");
  // One pin afterwards, where the old one was; the others kept.
  EXPECT_EQ(model::with_owned(live.services[0], c.desired).constraints,
            (std::vector<std::string>{"node.hostname==kvm2", "node.role==worker"}));
  // An id no node has reads as itself.
  live.services = {live_service(live, "web", "kvm4", 1, {"node.id==gone"})};
  EXPECT_EQ(change_of(compute_plan(d, live, {}), "web").changes.at(0).before, "node.id==gone");
}

TEST(PlacementConstraints, NodeIdPinsAreReplacedToo) {
  using model::placement_constraints;
  EXPECT_EQ(placement_constraints({"node.id==abc", "node.role==worker"}, "kvm2"),
            (std::vector<std::string>{"node.hostname==kvm2", "node.role==worker"}));
  EXPECT_EQ(placement_constraints({"node.hostname==kvm2", "node.id==abc"}, "kvm2"),
            (std::vector<std::string>{"node.hostname==kvm2"}));
  EXPECT_EQ(placement_constraints({"node.role==worker", "NODE.ID == abc", "node.hostname==kvm4"}, "kvm2"),
            (std::vector<std::string>{"node.role==worker", "node.hostname==kvm2"}));
  EXPECT_EQ(placement_constraints({"node.id!=abc"}, "kvm2"),
            (std::vector<std::string>{"node.id!=abc", "node.hostname==kvm2"}));
  EXPECT_EQ(placement_constraints({"node.id==abc", "node.role==worker"}, ""),
            std::vector<std::string>{"node.role==worker"});
  EXPECT_EQ(model::pinned_node_ids({"node.id == b", "node.id==a", "node.hostname==x", "node.id!=c"}),
            (std::vector<std::string>{"a", "b"}));
  // The engine's rewrite of a moved service: one pin, the contradicting id gone.
  auto spec = engine::rewrite_spec(
      nlohmann::json{{"TaskTemplate", {{"Placement", {{"Constraints", {"node.id==abc", "node.role==worker"}}}}}}},
      {.node = "kvm2"}, {});
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ((*spec)["TaskTemplate"]["Placement"]["Constraints"],
            nlohmann::json::array({"node.hostname==kvm2", "node.role==worker"}));
}

TEST(PlanNodeIdPin, OwnedHashStillReadsHostnamePinsOnly) {
  // owned_hash is a file format: a node.id pin does not enter it.
  model::LiveService a;
  a.replicas = 1;
  model::LiveService b = a;
  b.constraints = {"node.id==abc"};
  EXPECT_EQ(owned_hash(a), owned_hash(b));
}

// --- capacity of the desired state --------------------------------------------------

TEST(DesiredCapacity, GlobalCountsOnEveryHostUnpinnedOnNone) {
  DesiredState d = kvm4_and_kvm2();
  model::Service agent = declared("agent", "");
  agent.mode = model::ServiceMode::global;
  d.services["agent"] = agent;
  model::Service pinned_agent = declared("pinned-agent", "kvm2");
  pinned_agent.mode = model::ServiceMode::global;
  d.services["pinned-agent"] = pinned_agent;
  model::Service web = declared("web", "");
  web.replicas = 3;
  d.services["web"] = web;
  d.services["job"] = declared("job", "");
  d.services["job"].mode = model::ServiceMode::replicated_job;
  model::Service api = declared("api", "kvm4");
  api.replicas = 2;
  d.services["api"] = api;
  auto loads = model::desired_host_loads(d);
  ASSERT_EQ(loads.size(), 2u);
  EXPECT_EQ(loads[0].host, "kvm2");
  EXPECT_EQ(loads[0].limits.nano_cpus, cpus(1));    // agent + pinned-agent
  EXPECT_EQ(loads[1].host, "kvm4");
  EXPECT_EQ(loads[1].limits.nano_cpus, cpus(1.5));  // agent + 2 x api
  EXPECT_EQ(model::uncounted_services(d), (std::vector<std::string>{"job", "web"}));
}

}  // namespace
}  // namespace swarmform::plan
