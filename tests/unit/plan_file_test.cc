// The plan file: encode -> decode -> encode is the identity, and a file that
// is not a plan is refused with an error naming the field.

#include "reconciler/plan/plan_file.h"

#include <gtest/gtest.h>

#include "unit/render_plan_git_fixture.h"

namespace swarmform::plan {
namespace {

using namespace swarmform::plan::testing;

std::string round_trip(const Plan& plan) {
  std::string first = plan_json_text(plan);
  Result<Plan> back = parse_plan_json_text(first);
  EXPECT_TRUE(back.has_value()) << back.error().message;
  if (!back) return "";
  std::string second = plan_json_text(*back);
  EXPECT_EQ(first, second);
  return second;
}

TEST(PlanFile, RichPlanRoundTrips) {
  Plan plan = rich_plan();
  round_trip(plan);
  Plan back = *parse_plan_json_text(plan_json_text(plan));
  ASSERT_EQ(back.services.size(), plan.services.size());
  for (size_t i = 0; i < plan.services.size(); ++i) {
    const ServiceChange& a = plan.services[i];
    const ServiceChange& b = back.services[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.action, b.action);
    EXPECT_EQ(a.live_id, b.live_id);
    EXPECT_EQ(a.version_index, b.version_index);
    EXPECT_EQ(a.owned_hash, b.owned_hash);
    EXPECT_EQ(a.drift, b.drift);
    EXPECT_EQ(a.desired, b.desired) << a.name;
    EXPECT_EQ(a.desired_host, b.desired_host) << a.name;
    EXPECT_EQ(a.create.has_value(), b.create.has_value());
  }
  EXPECT_EQ(back.blocked(), plan.blocked());
  EXPECT_EQ(back.restarting(), plan.restarting());
  EXPECT_EQ(back.hosts[1].before.limits.nano_cpus, plan.hosts[1].before.limits.nano_cpus);
  EXPECT_EQ(back.hosts[1].after.cpu_budget, plan.hosts[1].after.cpu_budget);
  EXPECT_EQ(back.hosts[0].real->nano_cpus, plan.hosts[0].real->nano_cpus);
}

TEST(PlanFile, CreateCarriesTheWholeService) {
  Plan back = *parse_plan_json_text(plan_json_text(rich_plan()));
  const ServiceChange* create = nullptr;
  for (const auto& s : back.services) {
    if (s.action == Action::create) create = &s;
  }
  ASSERT_NE(create, nullptr);
  ASSERT_TRUE(create->create.has_value());
  const model::Service& s = *create->create;
  EXPECT_EQ(s.image, "local/busybox:1");
  EXPECT_EQ(s.command,
            (std::vector<std::string>{"sh", "-c", "trap 'exit 0' TERM; sleep 999999 & wait"}));
  EXPECT_EQ(s.env.at("GREETING"), "hello");
  EXPECT_EQ(s.labels.at("team"), "lab");
  ASSERT_EQ(s.ports.size(), 1u);
  EXPECT_EQ(s.ports[0].published, 8080);
  EXPECT_EQ(s.limits.nano_cpus, cpus(0.25));
  EXPECT_EQ(s.replicas, 1u);
  EXPECT_EQ(create->desired.node, "kvm2");
}

TEST(PlanFile, EmptyAndPartialPlansRoundTrip) {
  model::DesiredState d = rich_desired();
  model::LiveState live = live_matching(d);
  round_trip(compute_plan(d, live, {}));
  PlanOptions partial;
  partial.targets = {"django-crm", "nope"};
  partial.commit = "3f2c1a0";
  std::string text = round_trip(compute_plan(d, live, partial));
  EXPECT_NE(text.find("\"partial\": true"), std::string::npos);
  EXPECT_EQ(text.find("created_at"), std::string::npos);  // not recorded: left out
  round_trip(Plan{});
}

TEST(PlanFile, FormatVersionComesFirst) {
  EXPECT_EQ(plan_json_text(Plan{}).rfind("{\n  \"format_version\": \"1.1\",", 0), 0u);
}

TEST(PlanFile, GitSourceAndDesiredChangesRoundTrip) {
  Plan plan = git_plan();
  ASSERT_FALSE(plan.desired_changes.empty());
  std::string text = round_trip(plan);
  Plan back = *parse_plan_json_text(text);
  EXPECT_EQ(back.commit, plan.commit);
  EXPECT_EQ(back.ref, "");
  EXPECT_EQ(back.uncommitted, plan.uncommitted);
  EXPECT_TRUE(back.dirty());
  EXPECT_EQ(back.base, "main");
  EXPECT_EQ(back.base_commit, plan.base_commit);
  ASSERT_EQ(back.desired_changes.size(), plan.desired_changes.size());
  for (size_t i = 0; i < plan.desired_changes.size(); ++i) {
    const DesiredChange& a = plan.desired_changes[i];
    const DesiredChange& b = back.desired_changes[i];
    EXPECT_EQ(a.subject, b.subject);
    EXPECT_EQ(a.kind, b.kind);
    ASSERT_EQ(a.changes.size(), b.changes.size()) << a.subject;
    for (size_t j = 0; j < a.changes.size(); ++j) {
      EXPECT_EQ(a.changes[j].field, b.changes[j].field);
      EXPECT_EQ(a.changes[j].before, b.changes[j].before);
      EXPECT_EQ(a.changes[j].after, b.changes[j].after);
    }
  }
  EXPECT_NE(text.find("\"kind\": \"added\""), std::string::npos);
  EXPECT_NE(text.find("\"kind\": \"removed\""), std::string::npos);
  EXPECT_NE(text.find("\"kind\": \"changed\""), std::string::npos);

  Plan from_ref;
  from_ref.commit = plan.commit;
  from_ref.ref = "origin/main";
  back = *parse_plan_json_text(round_trip(from_ref));
  EXPECT_EQ(back.ref, "origin/main");
  EXPECT_FALSE(back.dirty());
}

TEST(PlanFile, NewKeysAreAlwaysWritten) {
  nlohmann::json j = nlohmann::json::parse(plan_json_text(Plan{}));
  for (const char* key : {"ref", "uncommitted", "base", "base_commit", "desired_changes"})
    EXPECT_TRUE(j.contains(key)) << key;
}

TEST(PlanFile, ReadsA10PlanWithoutTheGitKeys) {
  nlohmann::json j = nlohmann::json::parse(plan_json_text(rich_plan()));
  j["format_version"] = "1.0";
  j["commit"] = "3f2c1a0";
  for (const char* key : {"ref", "uncommitted", "base", "base_commit", "desired_changes"})
    j.erase(key);
  Result<Plan> got = decode_plan(j);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->format_version, "1.0");
  EXPECT_EQ(got->commit, "3f2c1a0");
  EXPECT_TRUE(got->ref.empty());
  EXPECT_FALSE(got->dirty());
  EXPECT_TRUE(got->base.empty());
  EXPECT_TRUE(got->base_commit.empty());
  EXPECT_TRUE(got->desired_changes.empty());
  EXPECT_EQ(got->services.size(), rich_plan().services.size());
}

TEST(PlanFile, RefusesWhatIsNotAPlan) {
  nlohmann::json good = nlohmann::json::parse(plan_json_text(rich_plan()));
  auto with = [&good](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json j = good;
    edit(j);
    return j.dump();
  };
  const struct {
    std::string text;
    std::string error;
  } cases[] = {
      {"", "plan: not valid JSON"},
      {"{\"format_version\": ", "plan: not valid JSON"},
      {"[]", "plan: expected a JSON object"},
      {"{}", "format_version: missing"},
      {with([](auto& j) { j["format_version"] = 1; }), "format_version: expected a string"},
      {with([](auto& j) { j["format_version"] = "2.0"; }),
       "format_version: unsupported plan format '2.0' (this swarmform reads 1.x)"},
      {with([](auto& j) { j["format_version"] = "10.0"; }),
       "format_version: unsupported plan format '10.0'"},
      {with([](auto& j) { j.erase("desired_hash"); }), "desired_hash: missing"},
      {with([](auto& j) { j["targets"] = "web"; }), "targets: expected an array"},
      {with([](auto& j) { j["services"][1]["action"] = "mutate"; }),
       "services[1].action: unknown action 'mutate' (no-op, create, update or delete)"},
      {with([](auto& j) { j["services"][1]["version_index"] = -3; }),
       "services[1].version_index: expected an unsigned integer"},
      {with([](auto& j) { j["services"][1]["drift"] = "sideways"; }),
       "services[1].drift: unknown drift 'sideways'"},
      {with([](auto& j) { j["services"][1]["changes"][0].erase("after"); }),
       "services[1].changes[0].after: missing"},
      {with([](auto& j) { j["services"][1]["changes"][0]["field"] = "image"; }),
       "services[1].changes[0]: field 'image' is not an owned value of \"desired\""},
      {with([](auto& j) { j["services"][1]["desired"].erase("replicas"); }),
       "services[1].changes[0]: field 'replicas' is not an owned value of \"desired\""},
      {with([](auto& j) { j["services"][1]["desired"]["limits"]["nano_cpus"] = "1"; }),
       "services[1].desired.limits.nano_cpus: expected an unsigned integer"},
      {with([](auto& j) { j["services"][2].erase("create"); }),
       "services[2]: a create needs \"create\""},
      {with([](auto& j) { j["services"][2]["create"]["ports"][0]["published"] = 70000; }),
       "services[2].create.ports[0].published: expected a port number"},
      {with([](auto& j) { j["hosts"][0]["after"]["services"][0]["tasks"] = 1.5; }),
       "hosts[0].after.services[0].tasks: expected an unsigned integer"},
      {with([](auto& j) { j["hosts"][0]["budget"].erase("cpu_nano"); }),
       "hosts[0].budget.cpu_nano: missing"},
      {with([](auto& j) { j["findings"][0]["severity"] = "fatal"; }),
       "findings[0].severity: unknown severity 'fatal' (error or warning)"},
      {with([](auto& j) { j["ref"] = 3; }), "ref: expected a string"},
      {with([](auto& j) { j["uncommitted"] = "cluster.yaml"; }), "uncommitted: expected an array"},
      {with([](auto& j) { j["base_commit"] = false; }), "base_commit: expected a string"},
      {with([](auto& j) {
         j["desired_changes"] = {{{"subject", "service web"}, {"kind", "moved"}, {"changes", {}}}};
       }),
       "desired_changes[0].kind: unknown kind 'moved' (added, removed or changed)"},
      {with([](auto& j) {
         j["desired_changes"] = {{{"subject", "policy"},
                                  {"kind", "changed"},
                                  {"changes", {{{"field", "prune"}, {"before", "false"}}}}}};
       }),
       "desired_changes[0].changes[0].after: missing"},
  };
  for (const auto& c : cases) {
    Result<Plan> got = parse_plan_json_text(c.text);
    ASSERT_FALSE(got.has_value()) << c.error;
    EXPECT_EQ(got.error().message.rfind(c.error, 0), 0u)
        << "want " << c.error << "\n got " << got.error().message;
  }
}

// What `show` prints comes from the values apply writes: a file whose text
// says one thing and whose values another reads as its values.
TEST(PlanFile, ChangesShowTheValuesApplyWrites) {
  nlohmann::json j = nlohmann::json::parse(plan_json_text(rich_plan()));
  ASSERT_EQ(j["services"][1]["name"], "django-crm");
  ASSERT_EQ(j["services"][1]["changes"][0]["field"], "replicas");
  j["services"][1]["desired"]["replicas"] = 40u;                 // what apply would write
  j["services"][1]["changes"][0]["after"] = "2";                // what a reviewer would read
  j["services"][1]["changes"][0]["restarts"] = true;
  ASSERT_EQ(j["services"][2]["name"], "lab-echo");
  j["services"][2]["create"]["limits"]["nano_cpus"] = 1'900'000'000u;
  j["services"][2]["changes"] = nlohmann::json::array();        // a create hiding its limits
  j["services"][2]["desired"]["limits"]["nano_cpus"] = 250'000'000u;
  size_t old = 0;
  while (old < j["services"].size() && j["services"][old]["name"] != "old-worker") ++old;
  ASSERT_LT(old, j["services"].size());
  j["services"][old]["changes"] = {{{"field", "replicas"}, {"before", "1"}, {"after", "1"}, {"restarts", false}}};
  Result<Plan> got = decode_plan(j);
  ASSERT_TRUE(got.has_value()) << got.error().message;

  const ServiceChange& crm = got->services[1];
  ASSERT_EQ(crm.changes.size(), 1u);
  EXPECT_EQ(crm.changes[0].after, "40");
  EXPECT_FALSE(crm.changes[0].restarts);
  const ServiceChange& echo = got->services[2];
  EXPECT_EQ(echo.desired.limits.nano_cpus, 1'900'000'000);  // labels record what is created
  bool shows_limit = false;
  for (const auto& f : echo.changes) shows_limit = shows_limit || (f.field == "limits.cpus" && f.after == "1.9");
  EXPECT_TRUE(shows_limit);
  EXPECT_EQ(got->services[old].action, Action::remove);
  EXPECT_TRUE(got->services[old].changes.empty());
}

TEST(PlanFile, AcceptsLaterMinorVersionsAndUnknownKeys) {
  nlohmann::json j = nlohmann::json::parse(plan_json_text(rich_plan()));
  j["format_version"] = "1.7";
  j["something_new"] = {{"a", 1}};
  j["services"][0]["also_new"] = true;
  Result<Plan> got = decode_plan(j);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->format_version, "1.7");
}

}  // namespace
}  // namespace swarmform::plan
