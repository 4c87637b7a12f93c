// A saved plan against the same desired state planned again: an untouched
// plan agrees; every kind of hand edit to what apply would do is caught; a
// swarm that moved is told apart from an edited file.

#include "reconciler/plan/plan_match.h"

#include <gtest/gtest.h>

#include <functional>

#include "reconciler/plan/plan_file.h"
#include "unit/plan_rich_fixture.h"

namespace swarmform::plan {
namespace {

using namespace swarmform::plan::testing;

/// A desired state, the swarm it was planned against, and the plan as saved
/// to a file and read back (what `apply PLANFILE` holds).
struct Scenario {
  model::DesiredState desired;
  model::LiveState live;
  Plan saved;

  Scenario() {
    desired = kvm4_and_kvm2();
    desired.services["web"] = declared("web", "kvm4", 2, 0.5, 512 * kMi);
    desired.services["api"] = declared("api", "kvm4", 1, 0.25, 256 * kMi);
    desired.services["quiet"] = declared("quiet", "kvm4", 1, 0.25, 64 * kMi);
    model::Service echo = declared("echo", "kvm2", 1, 0.25, 64 * kMi);
    echo.image = "local/busybox:1";
    live = live_matching(desired);
    desired.services["echo"] = echo;
    // web: limits in place; api: moves to kvm2; quiet: no change.
    live_named(live, "web").limits.nano_cpus = cpus(1);
    desired.services["api"].host = "kvm2";
    // A managed service no longer declared (prune is off: kept, a warning).
    model::LiveService old;
    old.id = "id-old";
    old.name = "old";
    old.replicas = 1;
    old.constraints = {"node.hostname==kvm4"};
    old.labels = {{"swarmform.managed", "true"}};
    live.services.push_back(old);
    PlanOptions options;
    options.desired_hash = "fnv1a64:0123456789abcdef";
    options.commit = "3f2c1a0";
    saved = *parse_plan_json_text(plan_json_text(compute_plan(desired, live, options)));
  }

  [[nodiscard]] Plan remade() const { return compute_plan(desired, live, options_of(saved)); }

  ServiceChange& change(const std::string& name) {
    for (auto& c : saved.services) {
      if (c.name == name) return c;
    }
    ADD_FAILURE() << "no change named " << name;
    return saved.services.front();
  }
};

/// The saved plan as text, edited by `edit` on its JSON, and read back.
Plan edited_file(const Plan& plan, const std::function<void(nlohmann::ordered_json&)>& edit) {
  nlohmann::ordered_json document = encode_plan(plan);
  edit(document);
  Result<Plan> back = parse_plan_json_text(document.dump());
  EXPECT_TRUE(back.has_value()) << back.error().message;
  return back ? *back : Plan{};
}

nlohmann::ordered_json& service_json(nlohmann::ordered_json& document, const std::string& name) {
  for (auto& s : document["services"]) {
    if (s["name"] == name) return s;
  }
  ADD_FAILURE() << "no service " << name;
  return document["services"][0];
}

std::string all(const std::vector<PlanMismatch>& mismatches) {
  std::string out;
  for (const auto& m : mismatches) out += m.service + ": " + m.what + "\n";
  return out;
}

TEST(PlanMatch, AnUntouchedSavedPlanAgrees) {
  Scenario s;
  ASSERT_EQ(s.saved.count(Action::update), 2u);
  ASSERT_EQ(s.saved.count(Action::create), 1u);
  EXPECT_TRUE(compare_changes(s.saved, s.remade()).empty()) << all(compare_changes(s.saved, s.remade()));
}

TEST(PlanMatch, AFreshPlanAgreesWithItselfWhateverItsFindings) {
  Plan plan = rich_plan();
  ASSERT_TRUE(plan.blocked());  // findings are not changes: judged on the plan made again
  Plan back = *parse_plan_json_text(plan_json_text(plan));
  EXPECT_TRUE(compare_changes(back, plan).empty()) << all(compare_changes(back, plan));
}

TEST(PlanMatch, EditedLimitsAreRefused) {
  Scenario s;
  Plan edited = edited_file(s.saved, [](nlohmann::ordered_json& doc) {
    service_json(doc, "web")["desired"]["limits"]["nano_cpus"] = 1'900'000'000u;
  });
  auto mismatches = compare_changes(edited, s.remade());
  ASSERT_FALSE(mismatches.empty());
  EXPECT_EQ(mismatches.front().service, "web");
  EXPECT_FALSE(mismatches.front().swarm_changed);
  EXPECT_NE(all(mismatches).find("limits.cpus: the plan writes 1.9, planned again: 0.5"), std::string::npos)
      << all(mismatches);
}

TEST(PlanMatch, EditedLimitsOfAFieldThatDidNotChangeAreRefused) {
  Scenario s;
  s.change("web").desired.limits.memory_bytes = 8 * kGi;  // the plan listed no memory change
  auto mismatches = compare_changes(s.saved, s.remade());
  ASSERT_EQ(mismatches.size(), 1u) << all(mismatches);
  EXPECT_NE(mismatches.front().what.find("limits.memory: the plan writes 8GiB"), std::string::npos)
      << all(mismatches);
}

TEST(PlanMatch, EditedReplicasAreRefused) {
  Scenario s;
  Plan edited = edited_file(s.saved, [](nlohmann::ordered_json& doc) {
    service_json(doc, "web")["desired"]["replicas"] = 40u;
  });
  auto mismatches = compare_changes(edited, s.remade());
  ASSERT_FALSE(mismatches.empty());
  EXPECT_NE(all(mismatches).find("replicas: the plan writes 40, planned again: 2"), std::string::npos)
      << all(mismatches);
}

TEST(PlanMatch, AnActionChangedToDeleteIsRefused) {
  Scenario s;
  Plan edited = edited_file(s.saved, [](nlohmann::ordered_json& doc) {
    service_json(doc, "quiet")["action"] = "delete";
  });
  auto mismatches = compare_changes(edited, s.remade());
  ASSERT_EQ(mismatches.size(), 1u) << all(mismatches);
  EXPECT_EQ(mismatches.front().service, "quiet");
  EXPECT_EQ(mismatches.front().what, "the plan says delete, planned again: no-op");
  EXPECT_FALSE(mismatches.front().swarm_changed);
}

TEST(PlanMatch, ADeleteAddedWithPruneOffIsRefused) {
  Scenario s;
  ServiceChange del;
  del.name = del.live_name = "old";
  del.live_id = "id-old";
  del.action = Action::remove;
  s.saved.services.push_back(del);
  auto mismatches = compare_changes(s.saved, s.remade());
  ASSERT_EQ(mismatches.size(), 1u) << all(mismatches);
  EXPECT_EQ(mismatches.front().what, "the plan says delete; planned again: nothing for it");
}

TEST(PlanMatch, ADroppedChangeIsRefused) {
  Scenario s;
  std::erase_if(s.saved.services, [](const ServiceChange& c) { return c.name == "api"; });
  auto mismatches = compare_changes(s.saved, s.remade());
  ASSERT_EQ(mismatches.size(), 1u) << all(mismatches);
  EXPECT_EQ(mismatches.front().service, "api");
  EXPECT_EQ(mismatches.front().what, "the plan does not have it; planned again: update");
}

TEST(PlanMatch, AnotherTargetHostOrNodeIsRefused) {
  Scenario s;
  s.change("api").to_host = "kvm4";
  s.change("web").desired.node = "kvm2";
  auto mismatches = compare_changes(s.saved, s.remade());
  std::string text = all(mismatches);
  EXPECT_NE(text.find("api: host: the plan says kvm4, planned again: kvm2"), std::string::npos) << text;
  EXPECT_NE(text.find("web: node: the plan pins it to kvm2, planned again: kvm4"), std::string::npos) << text;
}

TEST(PlanMatch, AnEditedServiceToCreateIsRefused) {
  Scenario s;
  s.change("echo").create->image = "evil/miner:latest";
  auto mismatches = compare_changes(s.saved, s.remade());
  ASSERT_EQ(mismatches.size(), 1u) << all(mismatches);
  EXPECT_EQ(mismatches.front().what, "the service to create differs in image from the one the desired state declares");
}

TEST(PlanMatch, AnotherLiveServiceIsRefused) {
  Scenario s;
  s.change("web").live_id = "id-someone-else";
  auto mismatches = compare_changes(s.saved, s.remade());
  ASSERT_FALSE(mismatches.empty());
  EXPECT_NE(mismatches.front().what.find("the plan names live service web (id-someone-else)"), std::string::npos)
      << all(mismatches);
}

TEST(PlanMatch, EditedBeforeValuesAreRefused) {
  Scenario s;
  s.change("web").changes.front().before = "0.5";  // hides that the limit is 1 today
  auto mismatches = compare_changes(s.saved, s.remade());
  ASSERT_EQ(mismatches.size(), 1u) << all(mismatches);
  EXPECT_EQ(mismatches.front().what,
            "the plan shows limits.cpus 0.5 → 0.5; planned again: limits.cpus 1 → 0.5");
}

TEST(PlanMatch, TasksOfAnUnpinnedServiceStartingSinceThePlanAreNoChange) {
  Scenario s;
  model::LiveService& api = live_named(s.live, "api");
  api.constraints = {"node.role==manager"};  // not pinned: placed where its tasks run
  std::erase_if(s.live.tasks, [](const model::LiveTask& t) { return t.service_id == "id-api"; });
  PlanOptions options = options_of(s.saved);
  s.saved = *parse_plan_json_text(plan_json_text(compute_plan(s.desired, s.live, options)));
  model::LiveTask task;
  task.id = "id-api-t0";
  task.service_id = "id-api";
  task.node_id = "node-kvm4";
  task.desired_state = task.state = "running";
  s.live.tasks.push_back(task);  // started after the plan
  Plan remade = s.remade();
  ASSERT_NE(s.change("api").changes.front().before, remade.services[0].changes.front().before);
  EXPECT_TRUE(compare_changes(s.saved, remade).empty()) << all(compare_changes(s.saved, remade));
}

TEST(PlanMatch, AServiceChangedInTheSwarmIsToldApartFromAnEditedFile) {
  Scenario s;
  live_named(s.live, "quiet").replicas = 3;  // scaled by hand after the plan
  auto mismatches = compare_changes(s.saved, s.remade());
  ASSERT_EQ(mismatches.size(), 1u) << all(mismatches);
  EXPECT_EQ(mismatches.front().service, "quiet");
  EXPECT_TRUE(mismatches.front().swarm_changed);
  EXPECT_EQ(mismatches.front().what, "the plan says no-op, planned again: update");
}

TEST(PlanMatch, OwnedFieldTextIsWhatAPlanShows) {
  model::OwnedFields owned;
  owned.replicas = 3;
  owned.limits = {cpus(1.5), 512 * kMi};
  owned.reservations.nano_cpus = 0;
  owned.node = "kvm2";
  EXPECT_EQ(owned_field_text("kvm2", owned, "host"), "kvm2");
  EXPECT_EQ(owned_field_text("", owned, "host"), std::nullopt);
  EXPECT_EQ(owned_field_text("kvm2", owned, "replicas"), "3");
  EXPECT_EQ(owned_field_text("kvm2", owned, "limits.cpus"), "1.5");
  EXPECT_EQ(owned_field_text("kvm2", owned, "limits.memory"), "512MiB");
  EXPECT_EQ(owned_field_text("kvm2", owned, "reservations.cpus"), "none");
  EXPECT_EQ(owned_field_text("kvm2", owned, "reservations.memory"), std::nullopt);
  EXPECT_EQ(owned_field_text("kvm2", owned, "image"), std::nullopt);
  // The node reads as the host: a field change never names it.
  EXPECT_EQ(owned_field_text("kvm2", owned, "node"), std::nullopt);
}

}  // namespace
}  // namespace swarmform::plan
