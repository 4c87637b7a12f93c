// integrations.dokploy in a plan, as plain values: which stored values
// differ (dokploy::add_stored_changes), the update apply sends, the compose
// warning, and how plan text, JSON, Markdown, the plan file and the drift
// report (JSON, metrics) carry them.
#include <gtest/gtest.h>

#include "reconciler/adopt/import_yaml.h"
#include "reconciler/cli/dokploy_step.h"
#include "reconciler/dokploy/stored_changes.h"
#include "reconciler/plan/plan_file.h"
#include "reconciler/render/drift_text.h"
#include "reconciler/render/plan_markdown.h"
#include "reconciler/render/plan_text.h"
#include "reconciler/report/drift_report.h"
#include "reconciler/report/metrics.h"

namespace swarmform {
namespace {

plan::ServiceChange change(const std::string& name, const std::string& live_name, plan::Action action,
                           model::OwnedFields desired) {
  plan::ServiceChange c;
  c.name = name;
  c.live_name = live_name;
  c.action = action;
  c.desired = std::move(desired);
  return c;
}

dokploy::StoredApplication app(const std::string& id, const std::string& app_name) {
  dokploy::StoredApplication a;
  a.application_id = id;
  a.app_name = app_name;
  a.cpu_limit = 1'000'000'000;
  a.memory_limit = 256LL << 20;
  a.replicas = 2;
  return a;
}

/// web: Dokploy stores limits.cpus 1 while git says 1.5; the swarm already matches.
plan::Plan web_plan() {
  plan::Plan p;
  p.services.push_back(change("web", "shop-web-x1", plan::Action::noop,
                              {.replicas = 2, .limits = {1'500'000'000, 256LL << 20}}));
  return p;
}

dokploy::Inventory inventory() {
  dokploy::Inventory inv;
  inv.applications.push_back(app("app-web", "shop-web-x1"));
  return inv;
}

TEST(DokployPlan, AStoredValueThatDiffersIsShownStoredToDesired) {
  plan::Plan p = web_plan();
  dokploy::add_stored_changes(p, {}, inventory());
  ASSERT_EQ(p.stored.size(), 1u);
  EXPECT_EQ(p.stored[0].service, "web");
  EXPECT_EQ(p.stored[0].record_id, "app-web");
  ASSERT_EQ(p.stored[0].changes.size(), 1u) << "replicas and memory agree";
  EXPECT_EQ(p.stored[0].changes[0].field, "limits.cpus");
  EXPECT_EQ(p.stored[0].changes[0].before, "1");
  EXPECT_EQ(p.stored[0].changes[0].after, "1.5");
  EXPECT_TRUE(p.empty()) << "the swarm has nothing to change";
  EXPECT_FALSE(p.nothing_to_write()) << "but apply has Dokploy to write";
}

TEST(DokployPlan, AgreeingValuesAndServicesDokployDoesNotRunAddNothing) {
  plan::Plan p;
  p.services.push_back(change("web", "shop-web-x1", plan::Action::update,
                              {.replicas = 2, .limits = {1'000'000'000, 256LL << 20}}));
  p.services.push_back(change("other", "other", plan::Action::update, {.replicas = 5}));
  dokploy::add_stored_changes(p, {}, inventory());
  EXPECT_TRUE(p.stored.empty());
  EXPECT_TRUE(p.findings.empty());
}

TEST(DokployPlan, UpdateCarriesOnlyTheDifferingFieldsAndKeepsOtherConstraints) {
  dokploy::StoredApplication a = app("app-web", "shop-web-x1");
  a.constraints = {"node.role==worker", "node.hostname==kvm4"};
  a.placement = {{"Constraints", a.constraints}, {"MaxReplicas", 2}};
  auto u = dokploy::update_for(a, {.replicas = 2, .limits = {1'500'000'000, 256LL << 20}, .node = "kvm2"});
  EXPECT_EQ(dokploy::update_body(u),
            nlohmann::json::parse(R"({"applicationId":"app-web","cpuLimit":"1500000000",
              "placementSwarm":{"Constraints":["node.role==worker","node.hostname==kvm2"],"MaxReplicas":2}})"));
  EXPECT_TRUE(dokploy::update_for(a, {.replicas = 2}).empty());
}

TEST(DokployPlan, AComposeStackServiceBeingChangedIsWarnedNamingItsFile) {
  plan::Plan p;
  p.services.push_back(change("db", "stack-q9_db", plan::Action::update, {.limits = {2'000'000'000, 0}}));
  model::LiveState live;
  model::LiveService db;
  db.name = "stack-q9_db";
  db.labels[dokploy::kStackNamespaceLabel] = "stack-q9";
  live.services.push_back(db);
  dokploy::Inventory inv;
  inv.composes.push_back({"cmp-1", "stack-q9", "shop stack", "./deploy/stack.yml"});
  dokploy::add_stored_changes(p, live, inv);
  EXPECT_TRUE(p.stored.empty());
  ASSERT_EQ(p.findings.size(), 1u);
  EXPECT_EQ(p.findings[0].severity, model::Severity::warning);
  EXPECT_EQ(p.findings[0].subject, "db");
  EXPECT_NE(p.findings[0].message.find("compose 'shop stack'"), std::string::npos) << p.findings[0].message;
  EXPECT_NE(p.findings[0].message.find("./deploy/stack.yml"), std::string::npos) << p.findings[0].message;
}

TEST(DokployPlan, TextJsonMarkdownAndThePlanFileCarryTheDifference) {
  plan::Plan p = web_plan();
  dokploy::add_stored_changes(p, {}, inventory());
  const std::string line = "dokploy: stored limits.cpus 1 → 1.5 (a Dokploy redeploy would otherwise revert it)";
  std::string text = render::plan_text(p, render::Style{false});
  EXPECT_NE(text.find(line), std::string::npos) << text;
  EXPECT_NE(text.find("No changes in the swarm; Dokploy stores other values for 1 service: apply writes them."),
            std::string::npos)
      << text;
  std::string md = render::plan_markdown(p);
  EXPECT_NE(md.find("#### Dokploy stores other values"), std::string::npos) << md;
  EXPECT_NE(md.find("limits.cpus 1 → 1.5"), std::string::npos) << md;
  auto json = nlohmann::json::parse(plan::plan_json_text(p));
  ASSERT_EQ(json["stored"].size(), 1u) << json.dump(2);
  EXPECT_EQ(json["stored"][0]["changes"][0],
            nlohmann::json::parse(R"({"field":"limits.cpus","stored":"1","desired":"1.5"})"));
  auto back = plan::parse_plan_json_text(plan::plan_json_text(p));
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->stored.size(), 1u);
  EXPECT_EQ(back->stored[0].record_id, "app-web");
  EXPECT_EQ(back->stored[0].changes[0].after, "1.5");
}

TEST(DokployPlan, APlanWithoutDokployWritesNoStoredKey) {
  plan::Plan p = web_plan();
  auto json = nlohmann::json::parse(plan::plan_json_text(p));
  EXPECT_FALSE(json.contains("stored"));
}

TEST(DokployDrift, AStoredMismatchIsDriftWithItsCauseInJsonAndMetrics) {
  plan::Plan p = web_plan();
  dokploy::add_stored_changes(p, {}, inventory());
  auto r = report::drift_report(p, 1795000000, "2026-11-18T10:13:20Z");
  EXPECT_EQ(r.status, report::Status::drift);
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_EQ(r.services[0].cause, report::Cause::dokploy_stored);
  auto j = report::encode_drift_report(r);
  EXPECT_EQ(j["by_cause"]["dokploy_stored"], 1);
  EXPECT_EQ(j["services"][0]["cause_text"], "Dokploy stores other values: its next deploy will revert this service");
  EXPECT_EQ(j["services"][0]["changes"][0]["stored"], "1");
  EXPECT_EQ(j["services"][0]["changes"][0]["desired"], "1.5");
  std::string metrics = report::drift_metrics_text(r);
  EXPECT_NE(metrics.find("swarmform_drifted_services{cause=\"dokploy_stored\"} 1"), std::string::npos) << metrics;
  std::string text = render::drift_text(r, render::Style{false});
  EXPECT_NE(text.find("limits.cpus: stored in Dokploy 1, desired 1.5"), std::string::npos) << text;
}

adopt::ImportResult imported_web() {
  adopt::ImportResult r;
  adopt::ImportedService s;
  s.key = "web";
  s.live_name = "shop-web-x1";
  s.host = "kvm4";
  s.replicas = 2;
  s.limits = {500'000'000, 256LL << 20};
  r.services.push_back(s);
  adopt::ImportedService other = s;
  other.key = other.live_name = "not-dokploy";
  r.services.push_back(other);
  return r;
}

TEST(DokployImport, RecordsWhichServicesDokployManagesAndKeepsLiveValuesSayingSo) {
  adopt::ImportResult r = imported_web();
  auto notes = cli::mark_dokploy_managed(r, inventory(), /*from_dokploy=*/false);
  EXPECT_EQ(r.services[0].limits.nano_cpus, 500'000'000) << "the live value";
  std::string yaml = adopt::service_entries(r.services, 2);
  EXPECT_NE(yaml.find("  web:\n    # managed by Dokploy (application app-web)"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("not-dokploy:\n    # managed"), std::string::npos) << yaml;
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("limits.cpus live 0.5, Dokploy 1"), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find("--from-dokploy"), std::string::npos) << notes[0];
}

TEST(DokployImport, FromDokployTakesTheStoredValuesAndSaysWhich) {
  adopt::ImportResult r = imported_web();
  auto notes = cli::mark_dokploy_managed(r, inventory(), /*from_dokploy=*/true);
  EXPECT_EQ(r.services[0].limits.nano_cpus, 1'000'000'000);
  EXPECT_EQ(r.services[0].limits.memory_bytes, 256LL << 20);
  EXPECT_EQ(r.services[0].replicas, 2u);
  EXPECT_EQ(r.services[1].limits.nano_cpus, 500'000'000) << "a service Dokploy does not run keeps its live values";
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("took Dokploy's stored values (--from-dokploy)"), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find("limits.cpus live 0.5, Dokploy 1"), std::string::npos) << notes[0];
}

}  // namespace
}  // namespace swarmform
