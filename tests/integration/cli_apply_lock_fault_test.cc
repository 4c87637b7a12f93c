// Locks that must not outlive their apply: SIGHUP and a closed stdout stop an
// apply safely; `unlock` leaves a live holder alone unless forced, and an
// apply notices between waves that its lock was taken away; a holder that
// died on this host is called gone; lock values are shown escaped.

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <csignal>

#include "support/lab_apply.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

constexpr const char* kLock = "swarmform-lock";

/// The file's text without its trailing newlines.
std::string read_trimmed(const std::string& path) {
  std::string text = run_command("cat " + path + " 2>/dev/null");
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

/// The signal's default action for what this test starts (a test runner
/// started under nohup, or with SIGPIPE ignored, would hide the fault):
/// dispositions set to "ignore" are inherited through exec.
class DefaultAction {
 public:
  explicit DefaultAction(int sig) : sig_(sig) { old_ = std::signal(sig, SIG_DFL); }
  ~DefaultAction() { std::signal(sig_, old_); }
  DefaultAction(const DefaultAction&) = delete;
  DefaultAction& operator=(const DefaultAction&) = delete;

 private:
  int sig_;
  void (*old_)(int) = nullptr;
};

std::string this_host() {
  std::array<char, 256> buf{};
  gethostname(buf.data(), buf.size() - 1);
  return buf.data();
}

bool lock_held(const Lab& lab) {
  return docker(lab, std::string("config ls -q --filter name=") + kLock).find_first_not_of(" \n") != std::string::npos;
}

/// The swarm's real apply lock is removed when the test ends if the test
/// left it behind (a failing test must not block everyone's next apply on
/// the shared lab; lab tests run one at a time under the lab's flock).
class LockCleanup {
 public:
  explicit LockCleanup(const Lab& lab) : lab_(lab) {
    held_before_ = lock_held(lab_);
  }
  ~LockCleanup() {
    if (!held_before_) docker(lab_, std::string("config rm ") + kLock);
  }
  LockCleanup(const LockCleanup&) = delete;
  LockCleanup& operator=(const LockCleanup&) = delete;
  [[nodiscard]] bool held_before() const { return held_before_; }

 private:
  const Lab& lab_;
  bool held_before_ = false;
};

/// Creates the swarm's lock config by hand, as another (or an older) swarmform would.
void plant_lock(const Lab& lab, const std::string& json) {
  int status = -1;
  std::string out = run_command("printf '%s' '" + json + "' | docker -H unix://" + lab.get("KVM4_SOCKET") +
                                    " config create " + kLock + " - 2>&1",
                                &status);
  ASSERT_EQ(status, 0) << out;
}

TEST(CliApplyLockFault, SighupStopsLikeSigtermAndReleasesTheLock) {
  SF_REQUIRE_LAB(lab);
  LockCleanup guard(lab);
  ASSERT_FALSE(guard.held_before()) << "the lab's apply lock is held by someone else";
  LabServices s(lab, "hup", 3, 0);
  DefaultAction hup(SIGHUP);
  // The terminal the apply ran on was closed.
  int rc = apply_until(s.dir, ": updated", "kill -HUP $pid");
  std::string out = read_trimmed(s.dir + "/out");
  ASSERT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("hangup"), std::string::npos) << out;
  EXPECT_NE(out.find("Apply interrupted"), std::string::npos) << out;
  EXPECT_NE(out.find("Not changed: "), std::string::npos) << out;
  EXPECT_FALSE(lock_held(lab)) << "the lock was not released\n" << out;
  expect_next_apply_converges(s.dir);
}

TEST(CliApplyLockFault, ClosedStdoutStopsPrintingAndFinishesSafely) {
  SF_REQUIRE_LAB(lab);
  LockCleanup guard(lab);
  ASSERT_FALSE(guard.held_before()) << "the lab's apply lock is held by someone else";
  LabServices s(lab, "pipe", 3, 0);
  // `apply | head`: the reader goes away after the first change's line.
  DefaultAction pipe(SIGPIPE);
  int rc = run_script(s.dir, apply_command() + s.dir + " 2> " + s.dir + "/err | grep -m1 ': updated' > " + s.dir +
                                 "/seen; echo ${PIPESTATUS[0]}");
  std::string err = read_trimmed(s.dir + "/err");
  ASSERT_EQ(rc, 1) << "exit code (141: killed by SIGPIPE)\n" << err;
  EXPECT_NE(read_trimmed(s.dir + "/seen").find(": updated"), std::string::npos);
  EXPECT_NE(err.find("stdout was closed"), std::string::npos) << err;
  // The summary, which stdout can no longer carry, is on stderr.
  EXPECT_NE(err.find("Apply interrupted"), std::string::npos) << err;
  EXPECT_NE(err.find("Not changed: "), std::string::npos) << err;
  EXPECT_FALSE(lock_held(lab)) << "the lock was not released\n" << err;
  expect_next_apply_converges(s.dir);
}

TEST(CliApplyLockFault, UnlockRefusesALiveHolderAndTheHolderNoticesForce) {
  SF_REQUIRE_LAB(lab);
  LockCleanup guard(lab);
  ASSERT_FALSE(guard.held_before()) << "the lab's apply lock is held by someone else";
  LabServices s(lab, "unlive", 2, 1);
  const std::string unlock = "NO_COLOR=1 " SWARMFORM_BINARY " unlock -C " + s.dir + " ";
  int rc = apply_until(s.dir, ": updated",
                       "id=$(sed -n 's/.*(lock \\([0-9a-f]*\\)).*/\\1/p' " + s.dir + "/out); " + unlock +
                           "$id > " + s.dir + "/unlock 2>&1; echo $? > " + s.dir + "/unlock.rc; " + unlock +
                           "--force $id > " + s.dir + "/force 2>&1; echo $? > " + s.dir + "/force.rc");
  std::string out = read_trimmed(s.dir + "/out");
  std::string refused = read_trimmed(s.dir + "/unlock");
  EXPECT_EQ(read_trimmed(s.dir + "/unlock.rc"), "1") << refused;
  EXPECT_NE(refused.find("its holder is still running"), std::string::npos) << refused;
  EXPECT_NE(refused.find("--force"), std::string::npos) << refused;
  EXPECT_EQ(read_trimmed(s.dir + "/force.rc"), "0") << read_trimmed(s.dir + "/force");
  EXPECT_NE(read_trimmed(s.dir + "/force").find("Removed lock"), std::string::npos);
  // The apply saw it before its next wave and started nothing more.
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("was taken away by someone: it no longer exists"), std::string::npos) << out;
  EXPECT_NE(out.find("Apply interrupted"), std::string::npos) << out;
  EXPECT_EQ(s.nano_cpus(lab, 2), "500000000") << "the last wave ran without the lock\n" << out;
  EXPECT_FALSE(lock_held(lab)) << out;
  expect_next_apply_converges(s.dir);
}

TEST(CliApplyLockFault, ApplyStopsWhenItsLockWasTakenAwayBetweenWaves) {
  SF_REQUIRE_LAB(lab);
  LockCleanup guard(lab);
  ASSERT_FALSE(guard.held_before()) << "the lab's apply lock is held by someone else";
  LabServices s(lab, "takeaway", 2, 1);
  const std::string cli = "docker -H unix://" + lab.get("KVM4_SOCKET");
  // During the first wave someone removes the lock and another apply takes it.
  int rc = apply_until(s.dir, ": updated",
                       cli + " config rm " + kLock + " >/dev/null; printf '%s' '{\"id\":\"00000000feedface\","
                       "\"who\":\"mallory@elsewhere\",\"pid\":4242,\"created\":\"2026-01-01T00:00:00Z\","
                       "\"commit\":\"\"}' | " + cli + " config create " + kLock + " - >/dev/null");
  std::string out = read_trimmed(s.dir + "/out");
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("was taken away by mallory@elsewhere (pid 4242, lock 00000000feedface"), std::string::npos)
      << out;
  EXPECT_NE(out.find("Apply interrupted"), std::string::npos) << out;
  EXPECT_EQ(s.nano_cpus(lab, 0), "250000000") << out;  // the first wave finished
  EXPECT_EQ(s.nano_cpus(lab, 2), "500000000") << "the last wave ran without the lock\n" << out;
  // The other holder's lock is left alone.
  EXPECT_TRUE(lock_held(lab)) << out;
  docker(lab, std::string("config rm ") + kLock);
  expect_next_apply_converges(s.dir);
}

TEST(CliApplyLockFault, AHolderGoneFromThisHostIsCalledGoneAlsoWithNothingToDo) {
  SF_REQUIRE_LAB(lab);
  LockCleanup guard(lab);
  ASSERT_FALSE(guard.held_before()) << "the lab's apply lock is held by someone else";
  LabServices s(lab, "gone", 1, 0);
  auto first = run_swarmform({"apply", "-C", s.dir, "--auto-approve"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  // An apply on this host that died: its pid runs no more.
  std::string pid = run_command("sh -c 'echo $$'");
  while (!pid.empty() && pid.back() == '\n') pid.pop_back();
  plant_lock(lab, "{\"id\":\"00000000deadbeef\",\"who\":\"ci@" + this_host() + "\",\"pid\":" + pid +
                      ",\"created\":\"2026-01-01T00:00:00Z\",\"commit\":\"\"}");

  auto idle = run_swarmform({"apply", "-C", s.dir, "--auto-approve"});
  EXPECT_EQ(idle.exit_code, 0) << idle.out << idle.err;
  EXPECT_NE(idle.err.find("nothing to apply, but another apply holds the lock"), std::string::npos) << idle.err;
  EXPECT_NE(idle.err.find("The holder is gone (no process " + pid + " on this host"), std::string::npos)
      << idle.err;
  EXPECT_NE(idle.err.find("run `swarmform unlock 00000000deadbeef`"), std::string::npos) << idle.err;

  write_file(s.dir + "/services.yaml", "services:\n  " + s.names[0] + ":\n    host: kvm4\n    limits: {cpus: 0.125}\n");
  auto refused = run_swarmform({"apply", "-C", s.dir, "--auto-approve", "--allow-dirty"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("The holder is gone"), std::string::npos) << refused.err;
  EXPECT_EQ(s.nano_cpus(lab, 0), "250000000");

  // A gone holder needs no --force.
  auto unlocked = run_swarmform({"unlock", "-C", s.dir, "00000000deadbeef"});
  EXPECT_EQ(unlocked.exit_code, 0) << unlocked.out << unlocked.err;
  EXPECT_FALSE(lock_held(lab));
}

TEST(CliApplyLockFault, AUserWithEscapesIsWrittenAndShownEscaped) {
  SF_REQUIRE_LAB(lab);
  LockCleanup guard(lab);
  ASSERT_FALSE(guard.held_before()) << "the lab's apply lock is held by someone else";
  LabServices s(lab, "esc", 2, 0);
  // Written: the lock taken by an apply whose $USER holds a clear-screen.
  int rc = apply_until(s.dir, "Applying (lock",
                       "docker -H unix://" + lab.get("KVM4_SOCKET") +
                           " config inspect --format "
                           "'{{index .Spec.Labels \"swarmform.lock.who\"}}' " +
                           kLock + " > " + s.dir + "/who",
                       {.env = "USER=$'evil\\e[2Jme' ", .args = "", .polls = 600});
  EXPECT_EQ(rc, 0) << read_trimmed(s.dir + "/out");
  std::string who = read_trimmed(s.dir + "/who");
  EXPECT_EQ(who.find('\x1b'), std::string::npos) << who;
  EXPECT_EQ(who.rfind("evil\\x1b[2Jme@", 0), 0u) << who;

  // Shown: a lock written with an escape (by an older swarmform, or by hand).
  plant_lock(lab, "{\"id\":\"00000000abad1dea\",\"who\":\"evil\\u001b[2Jme@elsewhere\",\"pid\":4242,"
                  "\"created\":\"2026-01-01T00:00:00Z\",\"commit\":\"\"}");
  write_file(s.dir + "/services.yaml", "services:\n  " + s.names[0] + ":\n    host: kvm4\n    limits: {cpus: 0.125}\n");
  auto refused = run_swarmform({"apply", "-C", s.dir, "--auto-approve", "--allow-dirty"});
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_EQ(refused.err.find('\x1b'), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("taken by evil\\x1b[2Jme@elsewhere"), std::string::npos) << refused.err;
  auto unlocked = run_swarmform({"unlock", "-C", s.dir, "00000000abad1dea"});
  EXPECT_EQ(unlocked.exit_code, 0) << unlocked.err;
  EXPECT_EQ(unlocked.out.find('\x1b'), std::string::npos) << unlocked.out;
  EXPECT_NE(unlocked.out.find("held by evil\\x1b[2Jme@elsewhere"), std::string::npos) << unlocked.out;
}

}  // namespace
}  // namespace swarmform::testing
