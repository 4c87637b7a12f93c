// Plan renderings beyond the golden files: summary wording, partial and
// blocked notices, colour, Markdown order.

#include <gtest/gtest.h>

#include "reconciler/render/plan_capacity.h"
#include "reconciler/render/plan_markdown.h"
#include "reconciler/render/plan_text.h"
#include "reconciler/render/plan_words.h"
#include "unit/plan_rich_fixture.h"

namespace swarmform::render {
namespace {

using plan::Action;
using plan::Plan;
using plan::ServiceChange;

ServiceChange change(Action a, bool restarts) {
  ServiceChange c;
  c.name = "svc";
  c.action = a;
  c.restarts_tasks = restarts;
  c.tasks_before = c.tasks_after = 2;
  return c;
}

TEST(PlanSummary, Wording) {
  Plan p;
  EXPECT_EQ(plan_summary(p), "No changes. The swarm matches the desired state.");
  p.services.push_back(change(Action::noop, false));
  EXPECT_EQ(plan_summary(p), "No changes. The swarm matches the desired state.");
  p.findings.push_back({model::Severity::warning, "web", "a warning does not block"});
  EXPECT_EQ(plan_summary(p), "No changes. The swarm matches the desired state.");
  p.findings.push_back({model::Severity::error, "web", "not found in the swarm"});
  EXPECT_EQ(plan_summary(p), "No changes planned.");
  p.findings.clear();
  p.services.push_back(change(Action::create, false));
  for (int i = 0; i < 3; ++i) p.services.push_back(change(Action::update, i < 2));
  EXPECT_EQ(plan_summary(p), "Plan: 1 to create, 3 to update, 0 to delete; 2 services restart.");
  p.services.pop_back();
  p.services.pop_back();
  p.services.push_back(change(Action::remove, false));
  EXPECT_EQ(plan_summary(p), "Plan: 1 to create, 1 to update, 1 to delete; 1 service restarts.");
}

TEST(PlanWords, RestartMarkersAndDrift) {
  EXPECT_EQ(restart_words(change(Action::update, true)), "restarts 2 tasks");
  EXPECT_EQ(restart_words(change(Action::update, false)), "no restart");
  EXPECT_EQ(restart_words(change(Action::remove, false)), "stops 2 tasks");
  EXPECT_EQ(drift_words(plan::Drift::changed_outside),
            "changed outside swarmform (this update reverts it)");
  EXPECT_EQ(drift_words(plan::Drift::changed_in_git), "changed in git");
  EXPECT_EQ(drift_words(plan::Drift::both), "changed in git and outside swarmform");
  EXPECT_EQ(drift_words(plan::Drift::none), "");
}

TEST(PlanText, PartialAndBlockedNotices) {
  Plan p;
  p.targets = {"web", "api"};
  p.findings.push_back({model::Severity::error, "target api", "names no declared service"});
  p.findings.push_back({model::Severity::error, "host kvm2", "node 'kvm2' is down"});
  std::string text = plan_text(p, Style{false});
  EXPECT_NE(text.find("Partial plan (--target web, api): other services were not compared"),
            std::string::npos);
  EXPECT_NE(text.find("  error: target api: names no declared service\n"), std::string::npos);
  EXPECT_TRUE(
      text.ends_with("No changes planned.\n"  // never "the swarm matches" beside errors
                     "Apply is blocked: 2 errors must be fixed first.\n"))
      << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
}

TEST(PlanText, ColourOnlyWhenAsked) {
  Plan p = plan::testing::rich_plan();
  std::string plain = plan_text(p, Style{false});
  std::string coloured = plan_text(p, Style{true});
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
  EXPECT_NE(coloured.find("\x1b[32m+ lab-echo\x1b[0m"), std::string::npos);
  EXPECT_NE(coloured.find("\x1b[31m- old-worker\x1b[0m"), std::string::npos);
  EXPECT_NE(coloured.find("\x1b[33m~ saleor-api\x1b[0m"), std::string::npos);
  EXPECT_NE(coloured.find("\x1b[31merror: shared-redis"), std::string::npos);
}

TEST(PlanText, ChangeLinesLikeTerraform) {
  std::string text = plan_changes_text(plan::testing::rich_plan(), Style{false});
  EXPECT_NE(text.find("~ wagtail-cms  (restarts 1 task)\n    limits.cpus: 2 → 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("- old-worker  (stops 1 task)\n"), std::string::npos);
  EXPECT_EQ(text.find("brain-gateway"), std::string::npos);  // no-ops are not listed
}

TEST(PlanMarkdown, SummaryFirstThenChangesHostsFindingsDetails) {
  std::string md = plan_markdown(plan::testing::rich_plan());
  size_t summary = md.find("**Plan: 1 to create");
  size_t table = md.find("| | Service | Changes | Tasks | Drift |");
  size_t hosts = md.find("#### Hosts after this plan");
  size_t findings = md.find("#### Findings");
  size_t details = md.find("<details><summary>Full plan</summary>");
  ASSERT_NE(summary, std::string::npos);
  EXPECT_LT(summary, table);
  EXPECT_LT(table, hosts);
  EXPECT_LT(hosts, findings);
  EXPECT_LT(findings, details);
  EXPECT_NE(md.find("</details>"), std::string::npos);
}

TEST(PlanCapacity, UnchangedFiguresShowOnceChangedShowBeforeAndAfter) {
  plan::HostProjection h;
  h.host = "kvm4";
  h.node = "kvm4";
  h.before.capacity = h.after.capacity = {4'000'000'000, 16LL << 30};
  h.before.limits = {8'750'000'000, 1LL << 30};
  h.after.limits = {3'750'000'000, 1LL << 30};
  h.real = model::Capacity{4'000'000'000, 16LL << 30};
  std::string table = plan_capacity_table({h}, Style{false});
  EXPECT_NE(table.find("8.75 → 3.75 (0.94x)"), std::string::npos) << table;
  EXPECT_NE(table.find("1GiB (0.06x)"), std::string::npos) << table;
  EXPECT_NE(table.find("ok (was over)"), std::string::npos) << table;
  h.real.reset();
  EXPECT_NE(plan_capacity_markdown({h}).find("| kvm4 | 4 CPUs, 16GiB (node missing) |"),
            std::string::npos);
}

// The capacity column reads in one-decimal units; when the declared memory
// and the node's read the same there ("16GiB") but differ, and the host is
// flagged anyway (its CPUs differ), the exact bytes say what differs.
TEST(PlanCapacity, ReadableMemoryAndExactBytesWhenDeclaredAndRealReadAlike) {
  plan::HostProjection h;
  h.host = h.node = "kvm4";
  h.before.capacity = h.after.capacity = {4'000'000'000, 16LL << 30};
  h.after.limits = h.before.limits = {1'000'000'000, 2112LL << 20};
  h.real = model::Capacity{2'000'000'000, (16LL << 30) - (5LL << 20)};
  h.capacity_matches = false;
  std::string table = plan_capacity_table({h}, Style{false});
  EXPECT_NE(table.find("4 CPUs, 16GiB (node: 2 CPUs, 16GiB, 17174626304 bytes against 17179869184 declared)"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("2.1GiB (0.13x)"), std::string::npos) << table;  // 2112MiB of limits
  // A node whose memory reads differently needs no bytes: the two figures say it.
  h.real = model::Capacity{2'000'000'000, 24683620LL << 10};
  table = plan_capacity_table({h}, Style{false});
  EXPECT_NE(table.find("4 CPUs, 16GiB (node: 2 CPUs, 23.5GiB)"), std::string::npos) << table;
  EXPECT_EQ(table.find("KiB"), std::string::npos) << table;
}

}  // namespace
}  // namespace swarmform::render
