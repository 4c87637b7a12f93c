// `swarmform drift` when the swarm cannot be reached (its manager's port
// refuses): an error (exit 1) that still notifies and writes the metrics
// file; a webhook that fails is a warning, not a change of exit code.  No lab:
// the webhook is received by a loopback HTTP server.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/metrics_text.h"
#include "support/process.h"
#include "support/webhook_server.h"

namespace swarmform::testing {
namespace {

class CliDriftUnreachable : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
};

TEST_F(CliDriftUnreachable, AnUnreachableSwarmIsAnErrorAndStillNotifiesAndWritesMetrics) {
  // No lab needed: the manager's port refuses.
  dir_ = make_temp_dir("sf-drift-down");
  write_file(dir_ + "/swarmform.yaml", kUnreachableState);
  WebhookServer hook(200);
  std::string metrics = dir_ + "/swarmform.prom";
  auto r = run_swarmform({"drift", "-C", dir_, "--notify", hook.url(), "--metrics-file", metrics,
                          "--connect-timeout", "2"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("Drift check failed: "), std::string::npos) << r.out;
  ASSERT_TRUE(hook.wait_for(1, 5));
  EXPECT_EQ(nlohmann::json::parse(hook.requests().at(0).body)["status"], "error");
  auto m = read_metrics(metrics);
  EXPECT_EQ(m["swarmform_drift_check_success"], 0);
  EXPECT_EQ(m["swarmform_drift_status"], 2);
}

TEST_F(CliDriftUnreachable, AFailingWebhookIsAWarningNotAChangeOfExitCode) {
  dir_ = make_temp_dir("sf-drift-hook");
  write_file(dir_ + "/swarmform.yaml", kUnreachableState);
  WebhookServer hook(503);
  auto r = run_swarmform({"drift", "-C", dir_, "--notify", hook.url(), "--connect-timeout", "2"});
  EXPECT_EQ(r.exit_code, 1);  // the check's own error, not the webhook's
  EXPECT_NE(r.err.find("the drift report was not delivered"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("HTTP 503"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace swarmform::testing
