// `swarmform agent` on the lab, from a repository it clones over file://:
// one cycle with --self-heal repairs an out-of-band change; a running agent
// stops cleanly on SIGTERM; a failing cycle backs off.

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "reconciler/util/file.h"
#include "support/git_repo.h"
#include "support/lab_state.h"
#include "support/process.h"
#include "support/webhook_server.h"

namespace swarmform::testing {
namespace {

const char* kWideBudget = "  cpu_overcommit: 100\n  memory_overcommit: 100\n";

std::string limit_of(const Lab& lab, const std::string& service) {
  std::string out = docker(lab, "service inspect " + service +
                                    " --format '{{.Spec.TaskTemplate.Resources.Limits.NanoCPUs}}'");
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

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
  docker(lab, "service create -d --no-resolve-image --name " + name_ +
                  " --replicas 1 --constraint node.hostname==kvm2 --limit-cpu 0.2 --limit-memory 64M " +
                  lab.get("LAB_IMAGE"),
         &rc);
  ASSERT_EQ(rc, 0);
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
  EXPECT_EQ(limit_of(lab, name_), "200000000");
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
  EXPECT_EQ(limit_of(lab, name_), "400000000");
}

TEST_F(CliAgent, StopsCleanlyOnSigtermAndBacksOffOnErrors) {
  // No lab needed: the manager refuses, so every cycle fails and backs off.
  std::string dir = make_temp_dir("sf-agent-down");
  dirs_ = {dir};
  write_file(dir + "/swarmform.yaml",
             "version: 1\ncluster: {manager: kvm4}\nhosts:\n  kvm4:\n    ssh: root@127.0.0.1:1\n"
             "    capacity: {cpus: 4, memory: 16GiB}\nservices: {}\n");
  std::string script = "cd " + dir + "; NO_COLOR=1 " SWARMFORM_BINARY " agent -C " + dir +
                       " --interval 10m --connect-timeout 2 > out 2>&1 & pid=$!; "
                       "for i in $(seq 200); do grep -q 'next try in 10s' out && break; sleep 0.05; done; "
                       "kill -TERM $pid; wait $pid; echo $?";
  write_file(dir + "/run.sh", script + "\n");
  int status = 0;
  std::string rc = run_command("timeout 60 sh " + dir + "/run.sh", &status);
  auto out = read_file(dir + "/out");
  ASSERT_TRUE(out);
  EXPECT_EQ(rc, "0\n") << *out;
  EXPECT_NE(out->find("Drift check failed"), std::string::npos) << *out;
  EXPECT_NE(out->find("cycle failed (1 in a row); next try in 10s"), std::string::npos) << *out;
  EXPECT_NE(out->find("agent stopped"), std::string::npos) << *out;
}

TEST_F(CliAgent, StopsCleanlyOnSighupLikeSigterm) {
  // The terminal an agent was started from is closed: it stops as on SIGTERM.
  std::string dir = make_temp_dir("sf-agent-hup");
  dirs_ = {dir};
  write_file(dir + "/swarmform.yaml",
             "version: 1\ncluster: {manager: kvm4}\nhosts:\n  kvm4:\n    ssh: root@127.0.0.1:1\n"
             "    capacity: {cpus: 4, memory: 16GiB}\nservices: {}\n");
  std::string script = "trap - HUP; cd " + dir + "; NO_COLOR=1 " SWARMFORM_BINARY " agent -C " + dir +
                       " --interval 10m --connect-timeout 2 > out 2>&1 & pid=$!; "
                       "for i in $(seq 200); do grep -q 'next try in 10s' out && break; sleep 0.05; done; "
                       "kill -HUP $pid; wait $pid; echo $?";
  write_file(dir + "/run.sh", script + "\n");
  auto old = std::signal(SIGHUP, SIG_DFL);  // an ignored SIGHUP would be inherited and hide the fault
  std::string rc = run_command("timeout 60 sh " + dir + "/run.sh");
  std::signal(SIGHUP, old);
  auto out = read_file(dir + "/out");
  ASSERT_TRUE(out);
  EXPECT_EQ(rc, "0\n") << *out;
  EXPECT_NE(out->find("hangup"), std::string::npos) << *out;
  EXPECT_NE(out->find("agent stopped"), std::string::npos) << *out;
}

}  // namespace
}  // namespace swarmform::testing
