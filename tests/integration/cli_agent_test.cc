// `swarmform agent` on the lab, from a repository it clones over file://:
// one cycle with --self-heal repairs an out-of-band change (stopping on
// signals and backing off need no lab: unit/cli_agent_signal_test.cc).

#include <gtest/gtest.h>

#include <filesystem>

#include "reconciler/util/file.h"
#include "support/git_repo.h"
#include "support/lab_state.h"
#include "support/process.h"
#include "support/webhook_server.h"

namespace swarmform::testing {
namespace {

class CliAgent : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const auto& d : dirs_) std::filesystem::remove_all(d);
  }
  std::string name_ = unique_name("agent");
  std::vector<std::string> dirs_;
};

TEST_F(CliAgent, SelfHealRepairsAnOutOfBandChangeFromTheRepo) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_});
  int rc = 0;
  ASSERT_NO_FATAL_FAILURE(create_service(
      lab, name_,
      "--replicas 1 --constraint node.hostname==kvm2 --limit-cpu 0.2 --limit-memory 64M"));
  ASSERT_TRUE(wait_running(lab, name_, 1));
  std::string repo = write_lab_state(
      lab, "services:\n  " + name_ + ":\n    host: kvm2\n    replicas: 1\n    limits: {cpus: 0.2, memory: 64MiB}\n",
      kWideBudget);
  std::string cache = make_temp_dir("sf-agent-cache");
  dirs_ = {repo, cache};
  git_init(repo);
  std::string commit = git_commit_all(repo, "declare " + name_);
  docker(lab, "service update -d --limit-cpu 0.4 " + name_, &rc);
  ASSERT_EQ(rc, 0);
  WebhookServer hook(200);
  std::string metrics = cache + "/swarmform.prom";

  auto cycle = run_swarmform({"agent", "--repo", "file://" + repo, "--ref", "main", "--cache-dir", cache, "--once",
                              "--self-heal", "--notify", hook.url(), "--metrics-file", metrics});
  EXPECT_EQ(cycle.exit_code, 0) << cycle.out << cycle.err;
  EXPECT_NE(cycle.out.find(name_), std::string::npos) << cycle.out;
  EXPECT_NE(cycle.out.find("self-heal: applying"), std::string::npos) << cycle.out;
  EXPECT_NE(cycle.out.find("Apply complete"), std::string::npos) << cycle.out;
  EXPECT_EQ(cpu_limit_of(lab, name_), "200000000");
  EXPECT_NE(docker(lab, "service inspect " + name_ + " --format '{{index .Spec.Labels \"swarmform.commit\"}}'")
                .find(commit),
            std::string::npos);
  ASSERT_TRUE(hook.wait_for(1, 5));  // the drift it found was news
  EXPECT_TRUE(std::filesystem::exists(metrics));

  // Report only (no --self-heal): the drift stays, the cycle still succeeds.
  docker(lab, "service update -d --limit-cpu 0.4 " + name_, &rc);
  auto report_only = run_swarmform(
      {"agent", "--repo", "file://" + repo, "--ref", "main", "--cache-dir", cache, "--once"});
  EXPECT_EQ(report_only.exit_code, 0) << report_only.out << report_only.err;
  EXPECT_NE(report_only.out.find("changed outside swarmform"), std::string::npos) << report_only.out;
  EXPECT_EQ(cpu_limit_of(lab, name_), "400000000");
}

}  // namespace
}  // namespace swarmform::testing
