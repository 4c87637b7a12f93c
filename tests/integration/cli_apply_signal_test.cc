// apply interrupted by SIGTERM, and two applies at once: the lock decides.

#include <gtest/gtest.h>

#include "support/lab_apply.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

TEST(CliApplySignal, SigtermFinishesWhatIsInFlightAndSaysWhatWasDone) {
  SF_REQUIRE_LAB(lab);
  LabServices s(lab, "sigint", 3);
  // SIGTERM, as CI and systemd send it (a background job of a script ignores SIGINT).
  int rc = apply_until(s.dir, ": updated", "kill -TERM $pid");
  std::string out = run_command("cat " + s.dir + "/out");
  ASSERT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("Apply interrupted"), std::string::npos) << out;
  EXPECT_NE(out.find("Changed: "), std::string::npos) << out;
  EXPECT_NE(out.find("Not changed: "), std::string::npos) << out;
  EXPECT_EQ(docker(lab, "config ls -q --filter name=swarmform-lock"), "") << "the lock was not released\n" << out;
  // The next run finishes the job.
  expect_next_apply_converges(s.dir);
}

TEST(CliApplySignal, TwoAppliesAtOnceOneIsRefusedByTheLock) {
  SF_REQUIRE_LAB(lab);
  LabServices s(lab, "race", 3);
  std::string second = s.dir + "/second";
  int rc = apply_until(s.dir, "Applying (lock",
                       "NO_COLOR=1 " SWARMFORM_BINARY " apply -C " + s.dir + " --auto-approve > " + second + " 2>&1");
  std::string out = run_command("cat " + s.dir + "/out");
  std::string refused = run_command("cat " + second);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(refused.find("swarmform unlock"), std::string::npos) << refused;
  EXPECT_NE(refused.find("another apply holds the lock"), std::string::npos) << refused;
}

}  // namespace
}  // namespace swarmform::testing
