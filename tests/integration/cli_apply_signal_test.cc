// apply interrupted by SIGTERM, and two applies at once: the lock decides.

#include <gtest/gtest.h>

#include <filesystem>

#include "support/lab_state.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

const char* kWideBudget = "  cpu_overcommit: 100\n  memory_overcommit: 100\n";

/// Three services on kvm4 whose limit the desired state lowers.
struct ThreeServices {
  explicit ThreeServices(const Lab& lab, const std::string& tag)
      : names{unique_name(tag + "-a"), unique_name(tag + "-b"), unique_name(tag + "-c")}, cleanup(lab, names) {
    for (const auto& n : names) {
      docker(lab, "service create -d --no-resolve-image --name " + n +
                      " --replicas 1 --constraint node.hostname==kvm4 --limit-cpu 0.5 " + lab.get("LAB_IMAGE"));
    }
    std::string yaml = "services:\n";
    for (const auto& n : names) yaml += "  " + n + ":\n    host: kvm4\n    limits: {cpus: 0.25}\n";
    dir = write_lab_state(lab, yaml, kWideBudget);
  }
  ~ThreeServices() { std::filesystem::remove_all(dir); }
  std::vector<std::string> names;
  ServiceCleanup cleanup;
  std::string dir;
};

/// Starts apply in the background (output to DIR/out), waits until the
/// output contains `marker`, then runs `then`; returns the apply's exit code.
int apply_until(const std::string& dir, const std::string& marker, const std::string& then) {
  std::string script = "cd " SWARMFORM_SOURCE_DIR "; NO_COLOR=1 " SWARMFORM_BINARY " apply -C " + dir +
                       " --auto-approve --parallelism 1 > " + dir + "/out 2>&1 & pid=$!; "
                       "for i in $(seq 600); do grep -q '" + marker + "' " + dir + "/out && break; sleep 0.05; done; " +
                       then + "; wait $pid; echo $?";
  write_file(dir + "/run.sh", script + "\n");
  std::string rc = run_command("bash " + dir + "/run.sh");
  return rc.empty() ? -1 : std::stoi(rc);
}

TEST(CliApplySignal, SigtermFinishesWhatIsInFlightAndSaysWhatWasDone) {
  SF_REQUIRE_LAB(lab);
  ThreeServices s(lab, "sigint");
  // SIGTERM, as CI and systemd send it (a background job of a script ignores SIGINT).
  int rc = apply_until(s.dir, ": updated", "kill -TERM $pid");
  std::string out = run_command("cat " + s.dir + "/out");
  ASSERT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("Apply interrupted"), std::string::npos) << out;
  EXPECT_NE(out.find("Changed: "), std::string::npos) << out;
  EXPECT_NE(out.find("Not changed: "), std::string::npos) << out;
  EXPECT_EQ(docker(lab, "config ls -q --filter name=swarmform-lock"), "") << "the lock was not released\n" << out;
  // The next run finishes the job.
  auto again = run_swarmform({"apply", "-C", s.dir, "--auto-approve"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  auto after = run_swarmform({"plan", "-C", s.dir, "--detailed-exitcode"});
  EXPECT_EQ(after.exit_code, 0) << after.out;
}

TEST(CliApplySignal, TwoAppliesAtOnceOneIsRefusedByTheLock) {
  SF_REQUIRE_LAB(lab);
  ThreeServices s(lab, "race");
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
