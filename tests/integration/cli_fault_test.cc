// The fault suite: what swarmform promises when the machines it drives fail
// under it.  Each test breaks a real part of the lab (sshd, the manager's
// dockerd) before or during a command, then checks what an operator would:
// the exit code, the message, the lock, and that the next apply converges.
// docs/failure-modes.md is the table these tests stand behind.

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "support/lab_apply.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

/// Brings the lab back to its full state when the test ends, pass or fail:
/// tests/lab/up.sh restarts whatever a test stopped (sshd, dockerd) and waits
/// until the swarm answers again.
struct LabRestore {
  explicit LabRestore(const Lab& lab) : lab_(lab) {}
  ~LabRestore() {
    run_command(std::string(SWARMFORM_SOURCE_DIR) + "/tests/lab/up.sh >/dev/null 2>&1");
    for (int i = 0; i < 100; ++i) {
      int status = 1;
      std::string out = docker(lab_, "node ls --format '{{.Hostname}} {{.Status}}'", &status);
      if (status == 0 && out.find("kvm4 Ready") != std::string::npos && out.find("kvm2 Ready") != std::string::npos)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  LabRestore(const LabRestore&) = delete;
  LabRestore& operator=(const LabRestore&) = delete;

 private:
  const Lab& lab_;
};

pid_t read_pid(const std::string& path) {
  std::ifstream in(path);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

/// Kills the lab's sshd for kvm4 (port KVM4_SSH_PORT): the listener and every
/// session it forked, as a crash or an OOM kill of sshd would.
void kill_kvm4_sshd(const Lab& lab) {
  pid_t listener = read_pid(lab.get("LAB_DIR") + "/ssh/sshd-kvm4.pid");
  ASSERT_GT(listener, 1);
  run_command("pkill -KILL -P " + std::to_string(listener) + "; kill -KILL " + std::to_string(listener));
}

/// Shell text that kills the same (for apply_until's `then`).
std::string kill_kvm4_sshd_shell(const Lab& lab) {
  std::string pidfile = lab.get("LAB_DIR") + "/ssh/sshd-kvm4.pid";
  return "l=$(cat " + pidfile + "); pkill -KILL -P $l; kill -KILL $l";
}

/// Shell text that kills the manager's dockerd hard (SIGKILL, as an OOM kill).
std::string kill_kvm4_dockerd_shell(const Lab& lab) {
  return "kill -KILL $(cat " + lab.get("LAB_DIR") + "/kvm4/dockerd.pid)";
}

/// apply_until for these tests: a bounded wait on a swarm that may not
/// answer, and a longer look for the marker.
const ApplyUntil kSlowApply{.env = "", .args = "--timeout 60s ", .polls = 1200};

std::string lock_configs(const Lab& lab) { return docker(lab, "config ls -q --filter name=swarmform-lock"); }

/// The lock id a message tells the operator to unlock, or "" if none.
std::string unlock_id_in(const std::string& text) {
  auto at = text.find("swarmform unlock ");
  if (at == std::string::npos) return "";
  at += std::string("swarmform unlock ").size();
  auto end = text.find_first_of("` \n", at);
  return text.substr(at, end - at);
}

/// A lock swarmform could not release (over a dead connection) must be
/// removable with the command its output names: removes it that way.
void unlock_if_still_held(const Lab& lab, const std::string& dir, const std::string& out) {
  if (lock_configs(lab).empty()) return;
  std::string id = unlock_id_in(out);
  ASSERT_FALSE(id.empty())
      << "the lock is still held but the output does not say how to remove it:\n"
      << out;
  auto unlock = run_swarmform({"unlock", "-C", dir, id});
  EXPECT_EQ(unlock.exit_code, 0) << unlock.out << unlock.err;
}

TEST(Faults, SshdDownBeforePlanSaysWhichHostAndChangesNothing) {
  SF_REQUIRE_LAB(lab);
  LabServices s(lab, "f-sshplan", 3);
  {
    LabRestore restore(lab);
    kill_kvm4_sshd(lab);
    auto plan = run_swarmform({"plan", "-C", s.dir});
    EXPECT_EQ(plan.exit_code, 1) << plan.out << plan.err;
    EXPECT_NE(plan.err.find("127.0.0.1:" + lab.get("KVM4_SSH_PORT")), std::string::npos) << plan.err;
    EXPECT_NE(plan.err.find("refused"), std::string::npos) << plan.err;
    auto apply = run_swarmform({"apply", "-C", s.dir, "--auto-approve"});
    EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  }
  EXPECT_EQ(lock_configs(lab), "");
  for (const auto& n : s.names) {
    EXPECT_EQ(docker(lab, "service inspect " + n + " --format '{{.Spec.TaskTemplate.Resources.Limits.NanoCPUs}}'"),
              "500000000\n")
        << n << " was changed although swarmform could not reach the swarm";
  }
  auto again = run_swarmform({"apply", "-C", s.dir, "--auto-approve"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
}

TEST(Faults, SshdKilledMidApplyStopsTellsWhatWasDoneAndTheNextApplyConverges) {
  SF_REQUIRE_LAB(lab);
  LabServices s(lab, "f-sshapply", 3);
  int rc = 0;
  std::string out;
  {
    LabRestore restore(lab);
    rc = apply_until(s.dir, ": updated", kill_kvm4_sshd_shell(lab), kSlowApply);
    out = run_command("cat " + s.dir + "/out");
  }
  ASSERT_EQ(rc, 1) << out;
  // The operator learns what was changed and what was not, and about the lock
  // swarmform could not release over a dead connection.
  EXPECT_NE(out.find("Changed: "), std::string::npos) << out;
  EXPECT_NE(out.find(s.names[0]), std::string::npos) << out;
  ASSERT_NO_FATAL_FAILURE(unlock_if_still_held(lab, s.dir, out));
  expect_next_apply_converges(s.dir);
  EXPECT_EQ(lock_configs(lab), "");
}

TEST(Faults, ManagerDockerdKilledMidApplyStopsAndTheNextApplyConverges) {
  SF_REQUIRE_LAB(lab);
  LabServices s(lab, "f-dockerd", 3);
  int rc = 0;
  std::string out;
  {
    LabRestore restore(lab);
    rc = apply_until(s.dir, ": updated", kill_kvm4_dockerd_shell(lab), kSlowApply);
    out = run_command("cat " + s.dir + "/out");
  }
  ASSERT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("Changed: "), std::string::npos) << out;
  // The swarm keeps its raft state across the restart: a lock swarmform could
  // not release is still there, and the output names the command that removes it.
  ASSERT_NO_FATAL_FAILURE(unlock_if_still_held(lab, s.dir, out));
  for (const auto& n : s.names) EXPECT_TRUE(wait_running(lab, n, 1, 60)) << n;
  expect_next_apply_converges(s.dir);
  EXPECT_EQ(lock_configs(lab), "");
}

}  // namespace
}  // namespace swarmform::testing
