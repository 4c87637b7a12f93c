// `host:` optional and `mode:` in the desired state (issue 13, import): the
// loader's rules and their located errors.
#include <gtest/gtest.h>

#include "reconciler/config/budget.h"
#include "reconciler/config/loader.h"
#include "reconciler/model/capacity.h"
#include "support/load_fixture.h"

namespace swarmform::config {
namespace {

using model::SourceFile;

const char* kHosts = R"(version: 1
cluster:
  manager: kvm4
hosts:
  kvm4:
    ssh: root@203.0.113.4
    capacity: {cpus: 4, memory: 16GiB}
services:
)";  // `services:` is line 8, the first service line 9

Loaded load(const std::string& services) {
  return load_desired_state({SourceFile{"a.yaml", std::string(kHosts) + services}}, LoadOptions{});
}

using testing::all_diagnostics;

TEST(ServiceMode, HostIsOptionalAndModeDefaultsToReplicated) {
  auto l = load("  web:\n    replicas: 2\n    limits: {cpus: 1}\n");
  ASSERT_TRUE(l.state) << all_diagnostics(l);
  const auto& web = l.state->services.at("web");
  EXPECT_TRUE(web.host.empty());
  EXPECT_EQ(web.mode, model::ServiceMode::replicated);
  EXPECT_EQ(web.replicas, 2u);
  EXPECT_EQ(all_diagnostics(l).find("host"), std::string::npos) << all_diagnostics(l);
}

TEST(ServiceMode, ReadsEveryMode) {
  auto l = load("  a: {mode: replicated, host: kvm4}\n  b: {mode: global}\n  c: {mode: replicated-job}\n"
                "  d: {mode: global-job, host: kvm4}\n  e: {mode: global, image: nginx:1}\n");
  ASSERT_TRUE(l.state) << all_diagnostics(l);
  EXPECT_EQ(l.state->services.at("a").mode, model::ServiceMode::replicated);
  EXPECT_EQ(l.state->services.at("b").mode, model::ServiceMode::global);
  EXPECT_EQ(l.state->services.at("c").mode, model::ServiceMode::replicated_job);
  EXPECT_EQ(l.state->services.at("d").mode, model::ServiceMode::global_job);
  EXPECT_EQ(l.state->services.at("e").mode, model::ServiceMode::global);
  EXPECT_EQ(l.state->services.at("e").image, "nginx:1");
}

TEST(ServiceMode, AnUnknownModeIsALocatedErrorListingTheModes) {
  auto l = load("  web:\n    mode: globl\n");
  EXPECT_FALSE(l.state);
  EXPECT_REPORTS(l, "a.yaml:10:11: error: service 'web' mode must be replicated, global, replicated-job or "
                    "global-job, not 'globl'; did you mean 'global'?");
}

TEST(ServiceMode, ReplicasOutsideReplicatedModeIsALocatedError) {
  auto l = load("  web:\n    mode: global\n    replicas: 2\n  job:\n    replicas: 1\n    mode: replicated-job\n");
  EXPECT_FALSE(l.state);
  EXPECT_REPORTS(l, "a.yaml:11:5: error: service 'web' declares replicas in global mode: only replicated services "
                    "have a replica count");
  EXPECT_REPORTS(l, "a.yaml:13:5: error: service 'job' declares replicas in replicated-job mode: only replicated "
                    "services have a replica count");
}

TEST(ServiceMode, AnImageWithAJobModeIsALocatedError) {
  auto l = load("  once:\n    mode: global-job\n    image: busybox\n");
  EXPECT_FALSE(l.state);
  EXPECT_REPORTS(l, "a.yaml:11:5: error: service 'once' declares an image in global-job mode: swarmform does not "
                    "create jobs");
}

TEST(ServiceMode, AnEmptyHostIsALocatedError) {
  auto l = load("  web:\n    host: \"\"\n");
  EXPECT_FALSE(l.state);
  EXPECT_REPORTS(l, "a.yaml:10:11: error: service 'web' host must be a non-empty string");
}

TEST(ServiceMode, ADeclaredHostIsStillChecked) {
  auto l = load("  web: {host: kvm5}\n");
  EXPECT_FALSE(l.state);
  EXPECT_REPORTS(l, "service 'web' runs on host 'kvm5', which is not declared");
}

TEST(ServiceMode, ValidateNamesTheServicesNoBudgetCounts) {
  auto l = load("  a: {limits: {cpus: 1}}\n  b: {mode: replicated-job}\n  c: {host: kvm4, limits: {cpus: 1}}\n"
                "  d: {mode: global, limits: {cpus: 2}}\n  e: {replicas: 3, limits: {cpus: 1}}\n");
  ASSERT_TRUE(l.state) << all_diagnostics(l);
  EXPECT_EQ(uncounted_note(*l.state),
            "3 services are not pinned to a host; their limits are not counted in any host's budget: a, b, e");
  auto loads = model::desired_host_loads(*l.state);
  ASSERT_EQ(loads.size(), 1u);
  EXPECT_EQ(loads[0].limits.nano_cpus, 3'000'000'000);  // c, and d on every host
  auto one = load("  a: {limits: {cpus: 1}}\n");
  ASSERT_TRUE(one.state) << all_diagnostics(one);
  EXPECT_EQ(uncounted_note(*one.state),
            "1 service is not pinned to a host; its limits are not counted in any host's budget: a");
  auto none = load("  c: {host: kvm4}\n");
  ASSERT_TRUE(none.state);
  EXPECT_EQ(uncounted_note(*none.state), "");
}

TEST(ServiceMode, AGlobalServiceOverBudgetIsReportedOnEveryHost) {
  auto l = load("  d: {mode: global, limits: {cpus: 5, memory: 1G}}\n");
  ASSERT_TRUE(l.state) << all_diagnostics(l);
  model::Diagnostics diags;
  check_budgets(*l.state, model::desired_host_loads(*l.state), diags);
  std::string text;
  for (const auto& d : diags.items()) text += model::format_diagnostic(d) + "\n";
  EXPECT_NE(text.find("error: host 'kvm4': CPU limits add up to 5 CPUs on 4 CPUs"), std::string::npos) << text;
}

}  // namespace
}  // namespace swarmform::config
