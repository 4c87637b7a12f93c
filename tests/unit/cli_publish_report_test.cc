// Publishing a drift report: a webhook that fails is a warning, never a
// change of the exit code cron and systemd act on; a metrics file that
// cannot be written is an error.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "reconciler/cli/drift_check.h"
#include "support/fifo_reader.h"
#include "support/process.h"
#include "support/webhook_server.h"

namespace swarmform::cli {
namespace {

using testing::FifoReader;

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

TEST(PublishReport, MetricsFileHasModeExactly0644WhateverTheUmask) {
  std::string dir = testing::make_temp_dir("sf-metrics");
  Publish p;
  p.format = "";
  p.metrics_file = dir + "/swarmform.prom";
  mode_t old = ::umask(077);
  EXPECT_EQ(publish_report(drifted(), p, false, true), 2);
  ::umask(old);
  struct stat st {};
  ASSERT_EQ(::stat(p.metrics_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  std::filesystem::remove_all(dir);
}

TEST(PublishReport, MetricsToAFifoAreWrittenStraightAndTheFifoStays) {
  std::string dir = testing::make_temp_dir("sf-metrics");
  Publish p;
  p.format = "";
  p.metrics_file = dir + "/metrics.fifo";
  ASSERT_EQ(::mkfifo(p.metrics_file.c_str(), 0600), 0);
  FifoReader reader(p.metrics_file);
  EXPECT_EQ(publish_report(drifted(), p, false, true), 2);
  EXPECT_NE(reader.read_all().find("swarmform_drift_status 1"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::lstat(p.metrics_file.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "the FIFO was replaced by a regular file";
  std::filesystem::remove_all(dir);
}

TEST(PublishReport, MetricsToADirectoryAreRefusedNamingIt) {
  std::string dir = testing::make_temp_dir("sf-metrics");
  Publish p;
  p.format = "";
  p.metrics_file = dir + "/textfile";
  std::filesystem::create_directory(p.metrics_file);
  EXPECT_EQ(publish_report(drifted(), p, false, true), 1);
  EXPECT_TRUE(std::filesystem::is_directory(p.metrics_file));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace swarmform::cli
