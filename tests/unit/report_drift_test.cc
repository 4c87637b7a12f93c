// The drift report: causes from the plan, exit codes, the JSON a webhook
// receives, the Prometheus text a textfile collector reads, the text and
// Markdown a person reads.

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>

#include "reconciler/render/drift_text.h"
#include "reconciler/report/drift_report.h"
#include "reconciler/report/metrics.h"
#include "unit/plan_rich_fixture.h"

namespace swarmform::report {
namespace {

using plan::Action;

/// The rich plan without its blocking findings: a drift report, not an error.
plan::Plan unblocked_rich_plan() {
  plan::Plan p = plan::testing::rich_plan();
  std::erase_if(p.findings, [](const plan::Finding& f) { return f.severity == model::Severity::error; });
  return p;
}

const DriftedService* find(const DriftReport& r, const std::string& name) {
  for (const auto& s : r.services) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

TEST(DriftReport, EveryChangingServiceIsDriftWithItsCause) {
  DriftReport r = drift_report(unblocked_rich_plan(), 1795000000, "2026-11-18T10:13:20Z");
  EXPECT_EQ(r.status, Status::drift);
  EXPECT_EQ(r.exit_code(), 2);
  ASSERT_NE(find(r, "wagtail-cms"), nullptr);
  EXPECT_EQ(find(r, "wagtail-cms")->cause, Cause::changed_outside);
  ASSERT_NE(find(r, "temporal-server"), nullptr);
  EXPECT_EQ(find(r, "temporal-server")->cause, Cause::both);
  ASSERT_NE(find(r, "lab-echo"), nullptr);
  EXPECT_EQ(find(r, "lab-echo")->cause, Cause::missing);
  ASSERT_NE(find(r, "old-worker"), nullptr);
  EXPECT_EQ(find(r, "old-worker")->cause, Cause::removed_from_git);
  ASSERT_NE(find(r, "django-crm"), nullptr);
  EXPECT_EQ(find(r, "django-crm")->cause, Cause::not_applied);  // no applied label
  // The live value is "before", git's is "after".
  const auto& wagtail = find(r, "wagtail-cms")->changes;
  ASSERT_EQ(wagtail.size(), 1u);
  EXPECT_EQ(wagtail[0].field, "limits.cpus");
  EXPECT_EQ(wagtail[0].before, "2");
  EXPECT_EQ(wagtail[0].after, "1");
  // No-ops are not drift.
  EXPECT_EQ(find(r, "brain-gateway"), nullptr);
}

TEST(DriftReport, InSyncErrorAndBlocked) {
  plan::Plan empty;
  EXPECT_EQ(drift_report(empty, 0, "").exit_code(), 0);
  DriftReport failed = failed_drift_report("kvm4: connection refused", 0, "");
  EXPECT_EQ(failed.exit_code(), 1);
  EXPECT_FALSE(failed.check_ran);
  // Blocking findings: apply could not repair it, so the check reports an error.
  DriftReport blocked = drift_report(plan::testing::rich_plan(), 0, "");
  EXPECT_EQ(blocked.status, Status::error);
  EXPECT_EQ(blocked.exit_code(), 1);
  EXPECT_TRUE(blocked.check_ran);
  EXPECT_NE(blocked.error.find("blocking finding"), std::string::npos);
  EXPECT_FALSE(blocked.services.empty());  // the drift is still listed
}

TEST(DriftReport, JsonCarriesWhatAWebhookNeeds) {
  plan::Plan p = unblocked_rich_plan();
  p.commit = "3f2a1bc0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4";
  p.ref = "main";
  auto j = encode_drift_report(drift_report(p, 1795000000, "2026-11-18T10:13:20Z"));
  EXPECT_EQ(j["format_version"], "1.0");
  EXPECT_EQ(j["status"], "drift");
  EXPECT_EQ(j["exit_code"], 2);
  EXPECT_EQ(j["commit"], p.commit);
  EXPECT_EQ(j["by_cause"]["changed_outside"], 1);
  EXPECT_EQ(j["by_cause"]["missing"], 1);
  bool saw = false;
  for (const auto& s : j["services"]) {
    if (s["name"] == "wagtail-cms") {
      saw = true;
      EXPECT_EQ(s["cause"], "changed_outside");
      EXPECT_EQ(s["changes"][0]["live"], "2");
      EXPECT_EQ(s["changes"][0]["desired"], "1");
    }
  }
  EXPECT_TRUE(saw);
  ASSERT_EQ(j["hosts"].size(), 2u);
  EXPECT_EQ(j["hosts"][0]["host"], "kvm2");
}

/// Parses Prometheus text: every sample "name{labels}" -> value; checks
/// that each sample's family has HELP and TYPE lines before it.
std::map<std::string, double> parse_prometheus(const std::string& text) {
  std::map<std::string, double> samples;
  std::map<std::string, int> declared;
  std::istringstream in(text);
  std::string line;
  const std::regex sample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.eE+-]+)$)");
  while (std::getline(in, line)) {
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
      std::string name = line.substr(7, line.find(' ', 7) - 7);
      declared[name]++;
      continue;
    }
    std::smatch m;
    EXPECT_TRUE(std::regex_match(line, m, sample)) << "not a sample line: " << line;
    if (m.empty()) continue;
    EXPECT_EQ(declared[m[1].str()], 2) << m[1].str() << " lacks HELP or TYPE";
    samples[m[1].str() + m[2].str()] = std::stod(m[3].str());
  }
  return samples;
}

TEST(DriftMetrics, ParseBackToTheReport) {
  DriftReport r = drift_report(unblocked_rich_plan(), 1795000000, "2026-11-18T10:13:20Z");
  auto m = parse_prometheus(drift_metrics_text(r));
  EXPECT_EQ(m["swarmform_drift_check_success"], 1);
  EXPECT_EQ(m["swarmform_drift_last_check_timestamp_seconds"], 1795000000);
  EXPECT_EQ(m["swarmform_drift_status"], 1);
  EXPECT_EQ(m["swarmform_drifted_services{cause=\"changed_outside\"}"], 1);
  EXPECT_EQ(m["swarmform_drifted_services{cause=\"missing\"}"], 1);
  EXPECT_EQ(m.count("swarmform_drifted_services{cause=\"changed_in_git\"}"), 1u);  // zero, but present
  // kvm4: the live limits of its services over its declared 4 CPUs.
  const auto& kvm4 = r.hosts[1];
  ASSERT_EQ(kvm4.host, "kvm4");
  EXPECT_NEAR(m["swarmform_host_committed_cpu_ratio{host=\"kvm4\"}"], kvm4.cpu_ratio(), 1e-4);
  EXPECT_GT(kvm4.cpu_ratio(), 1.0);  // the status report's over-committed host
  EXPECT_NEAR(m["swarmform_host_committed_memory_ratio{host=\"kvm4\"}"], kvm4.memory_ratio(), 1e-4);
}

TEST(DriftMetrics, AFailedCheckSaysSoAndHasNoHosts) {
  auto m = parse_prometheus(drift_metrics_text(failed_drift_report("unreachable", 1795000000, "")));
  EXPECT_EQ(m["swarmform_drift_check_success"], 0);
  EXPECT_EQ(m["swarmform_drift_status"], 2);
  for (const auto& [k, v] : m) EXPECT_FALSE(k.starts_with("swarmform_host_")) << k;
}

TEST(DriftText, SaysWhoChangedWhatAndWhatToDo) {
  plan::Plan p = unblocked_rich_plan();
  p.commit = "3f2a1bc0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4";
  std::string text = render::drift_text(drift_report(p, 0, "2026-11-18T10:13:20Z"), render::Style{});
  EXPECT_NE(text.find("services differ from the desired state (working tree at 3f2a1bc)."), std::string::npos)
      << text;
  EXPECT_NE(text.find("~ wagtail-cms: changed outside swarmform\n      limits.cpus: live 2, desired 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("+ lab-echo: declared in git, missing from the swarm\n"), std::string::npos) << text;
  EXPECT_NE(text.find("swarmform apply"), std::string::npos);
  std::string md = render::drift_markdown(drift_report(p, 0, "2026-11-18T10:13:20Z"));
  EXPECT_NE(md.find("| `~` | `wagtail-cms` | changed outside swarmform | `limits.cpus` 2 → 1 |"), std::string::npos)
      << md;
  EXPECT_EQ(render::drift_text(drift_report(plan::Plan{}, 0, ""), render::Style{}),
            "No drift: the swarm matches the desired state.\n");
}

}  // namespace
}  // namespace swarmform::report
