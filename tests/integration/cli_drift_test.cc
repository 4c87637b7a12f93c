// `swarmform drift` end to end on the lab, with the desired state in a real
// git repository: an out-of-band `docker service update` is "changed
// outside swarmform" (exit 2), apply repairs it (exit 0), a change committed
// to git is "changed in git"; the webhook is received by a loopback HTTP
// server and the metrics file is parsed back.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/git_repo.h"
#include "support/lab_state.h"
#include "support/metrics_text.h"
#include "support/process.h"
#include "support/webhook_server.h"

namespace swarmform::testing {
namespace {

std::string declare(const std::string& name, const std::string& cpus) {
  return "services:\n  " + name + ":\n    host: kvm2\n    replicas: 1\n    limits: {cpus: " + cpus +
         ", memory: 64MiB}\n";
}

class CliDrift : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string name_ = unique_name("drift");
  std::string dir_;
};

TEST_F(CliDrift, OutOfBandChangeIsReportedRepairedAndGitChangesAreTold) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_});
  int rc = 0;
  ASSERT_NO_FATAL_FAILURE(create_service(
      lab, name_,
      "--replicas 1 --constraint node.hostname==kvm2 --limit-cpu 0.1 --limit-memory 64M"));
  ASSERT_TRUE(wait_running(lab, name_, 1));
  dir_ = write_lab_state(lab, declare(name_, "0.2"), kWideBudget);
  git_init(dir_);
  std::string first = git_commit_all(dir_, "kvm2: " + name_ + " at 0.2 CPUs");

  // swarmform applies it (0.1 -> 0.2), which labels it with what it wrote
  // and the commit, so later changes can be attributed.
  auto adopted = run_swarmform({"apply", "-C", dir_, "--auto-approve"});
  ASSERT_EQ(adopted.exit_code, 0) << adopted.out << adopted.err;
  EXPECT_NE(docker(lab, "service inspect " + name_ + " --format '{{index .Spec.Labels \"swarmform.commit\"}}'")
                .find(first),
            std::string::npos);
  auto clean = run_swarmform({"drift", "-C", dir_});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("No drift"), std::string::npos) << clean.out;

  // Someone changes the limit by hand.
  docker(lab, "service update -d --limit-cpu 0.3 " + name_, &rc);
  ASSERT_EQ(rc, 0);
  WebhookServer hook(200);
  std::string metrics = dir_ + "/swarmform.prom";
  auto drifted = run_swarmform({"drift", "-C", dir_, "--notify", hook.url(), "--metrics-file", metrics});
  EXPECT_EQ(drifted.exit_code, 2) << drifted.out << drifted.err;
  EXPECT_NE(drifted.out.find(name_ + ": changed outside swarmform"), std::string::npos) << drifted.out;
  EXPECT_NE(drifted.out.find("limits.cpus: live 0.3, desired 0.2"), std::string::npos) << drifted.out;
  ASSERT_TRUE(hook.wait_for(1, 5));
  auto posted = nlohmann::json::parse(hook.requests().at(0).body);
  EXPECT_EQ(posted["status"], "drift");
  EXPECT_EQ(posted["commit"], first);
  bool seen = false;
  for (const auto& s : posted["services"]) {
    if (s["name"] == name_) {
      seen = true;
      EXPECT_EQ(s["cause"], "changed_outside");
    }
  }
  EXPECT_TRUE(seen) << posted.dump(2);
  auto m = read_metrics(metrics);
  EXPECT_EQ(m["swarmform_drift_check_success"], 1);
  EXPECT_GE(m["swarmform_drifted_services{cause=\"changed_outside\"}"], 1);
  EXPECT_EQ(m["swarmform_drift_status"], 1);
  EXPECT_EQ(m.count("swarmform_host_committed_cpu_ratio{host=\"kvm2\"}"), 1u);

  // apply puts it back; drift is clean again, and says so to nobody (no POST).
  auto repaired = run_swarmform({"apply", "-C", dir_, "--auto-approve"});
  ASSERT_EQ(repaired.exit_code, 0) << repaired.out << repaired.err;
  auto after = run_swarmform({"drift", "-C", dir_, "--notify", hook.url(), "--format", "json"});
  EXPECT_EQ(after.exit_code, 0) << after.out << after.err;
  EXPECT_EQ(nlohmann::json::parse(after.out)["status"], "in_sync");
  EXPECT_EQ(hook.requests().size(), 1u);

  // A change committed to git but not applied: "changed in git".
  write_file(dir_ + "/services.yaml", declare(name_, "0.25"));
  git_commit_all(dir_, "kvm2: " + name_ + " to 0.25 CPUs");
  auto in_git = run_swarmform({"drift", "-C", dir_});
  EXPECT_EQ(in_git.exit_code, 2) << in_git.out << in_git.err;
  EXPECT_NE(in_git.out.find(name_ + ": changed in git, not applied yet"), std::string::npos) << in_git.out;
}

}  // namespace
}  // namespace swarmform::testing
