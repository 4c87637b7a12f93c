// Publishing a drift report: a webhook that fails is a warning, never a
// change of the exit code cron and systemd act on; a metrics file that
// cannot be written is an error.

#include <gtest/gtest.h>

#include <filesystem>

#include "reconciler/cli/drift_check.h"
#include "support/process.h"
#include "support/webhook_server.h"

namespace swarmform::cli {
namespace {

report::DriftReport drifted() {
  report::DriftReport r;
  r.status = report::Status::drift;
  r.services.push_back({"saleor-api", "infra-saleor-api", report::Cause::changed_outside, {}});
  return r;
}

TEST(PublishReport, AFailingWebhookKeepsTheDriftExitCode) {
  testing::WebhookServer hook(503);
  Publish p;
  p.format = "";
  p.notify_url = hook.url();
  bool delivered = true;
  EXPECT_EQ(publish_report(drifted(), p, /*notify=*/true, true, &delivered), 2);
  EXPECT_FALSE(delivered);
  EXPECT_EQ(hook.requests().size(), 1u);
}

TEST(PublishReport, NoNotificationWhenNotDue) {
  testing::WebhookServer hook(200);
  Publish p;
  p.format = "";
  p.notify_url = hook.url();
  bool delivered = false;
  EXPECT_EQ(publish_report(drifted(), p, /*notify=*/false, true, &delivered), 2);
  EXPECT_TRUE(delivered);
  EXPECT_TRUE(hook.requests().empty());
}

TEST(PublishReport, MetricsFileIsReplacedWholeAndReadableByTheCollector) {
  std::string dir = testing::make_temp_dir("sf-metrics");
  Publish p;
  p.format = "";
  p.metrics_file = dir + "/swarmform.prom";
  EXPECT_EQ(publish_report(drifted(), p, false, true), 2);
  EXPECT_EQ(publish_report(report::DriftReport{}, p, false, true), 0);
  auto perms = std::filesystem::status(p.metrics_file).permissions();
  EXPECT_NE(perms & std::filesystem::perms::others_read, std::filesystem::perms::none);
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    ++files;
    EXPECT_EQ(e.path().filename(), "swarmform.prom");  // no temporary left behind
  }
  EXPECT_EQ(files, 1u);
  // A folder that does not exist: an error (exit 1), as the job it feeds would go stale.
  p.metrics_file = dir + "/missing/swarmform.prom";
  EXPECT_EQ(publish_report(drifted(), p, false, true), 1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace swarmform::cli
