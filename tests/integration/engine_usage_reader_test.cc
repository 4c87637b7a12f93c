// What `swarmform usage` reads, against the real lab (tests/lab/up.sh): the
// host's own counters through an SSH exec channel (SshSession::run_command).

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "reconciler/transport/ssh_session.h"
#include "reconciler/usage/proc_stat.h"
#include "support/lab.h"
#include "support/lab_state.h"
#include "support/process.h"
#include "support/transport_test_util.h"

namespace swarmform {
namespace {

using swarmform::testing::Lab;
using swarmform::testing::read_text;
using swarmform::testing::TempDir;
using transport::CommandOutput;
using transport::SshOptions;
using transport::SshSession;
using namespace std::chrono_literals;

SshOptions kvm4_ssh(const Lab& lab) {
  SshOptions o;
  o.host_label = "kvm4";
  o.user = lab.get("SSH_USER");
  o.address = lab.get("SSH_HOST");
  o.port = static_cast<uint16_t>(lab.port("KVM4_SSH_PORT"));
  o.identity = lab.get("SSH_IDENTITY");
  o.known_hosts = lab.get("SSH_KNOWN_HOSTS");
  o.docker_socket = lab.get("KVM4_SOCKET");
  o.mode = model::TransportMode::streamlocal;
  return o;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

TEST(UsageSampling, HostCountersCommandRunsOverAnExecChannel) {
  SF_REQUIRE_LAB(lab);
  auto session = SshSession::connect(kvm4_ssh(lab));
  ASSERT_TRUE(session) << session.error().message;
  auto run = session->run_command(std::string(usage::kHostCountersCommand));
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->exit_status, 0);
  EXPECT_EQ(run->err, "");
  // /proc/loadavg first ("0.52 0.61 0.70 2/345 6789"), then /proc/stat.
  EXPECT_TRUE(std::regex_search(run->out, std::regex(R"(^\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+\n)")))
      << run->out.substr(0, 200);
  EXPECT_NE(run->out.find("\ncpu "), std::string::npos) << run->out.substr(0, 400);
  EXPECT_NE(run->out.find("\ncpu0 "), std::string::npos) << run->out.substr(0, 400);

  // The session is still good for the engine (the channel was closed).
  auto stream = session->open_engine_stream();
  ASSERT_TRUE(stream) << stream.error().message;
  auto again = session->run_command("cat /proc/loadavg");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->exit_status, 0);
  EXPECT_TRUE(std::regex_search(again->out, std::regex(R"(^\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+\n$)")))
      << again->out;
}

TEST(UsageSampling, ExitStatusAndStderrComeBack) {
  SF_REQUIRE_LAB(lab);
  auto session = SshSession::connect(kvm4_ssh(lab));
  ASSERT_TRUE(session) << session.error().message;
  auto run = session->run_command("echo to-stdout; echo to-stderr >&2; exit 3");
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->out, "to-stdout\n");
  EXPECT_EQ(run->err, "to-stderr\n");
  EXPECT_EQ(run->exit_status, 3);

  // No input: the command reads EOF at once instead of waiting for it.
  auto cat = session->run_command("cat; echo read-eof");
  ASSERT_TRUE(cat) << cat.error().message;
  EXPECT_EQ(cat->out, "read-eof\n");
  EXPECT_EQ(cat->exit_status, 0);
}

TEST(UsageSampling, OutputBeyondTheCapIsCutAndDrained) {
  SF_REQUIRE_LAB(lab);
  auto session = SshSession::connect(kvm4_ssh(lab));
  ASSERT_TRUE(session) << session.error().message;
  // 4 MB on each stream, twice libssh2's channel window: the command ends
  // only if both streams are read past the cap.
  auto run = session->run_command(
      "head -c 4000000 /dev/zero | tr '\\0' o; head -c 4000000 /dev/zero | tr '\\0' e >&2; "
      "echo end >&2; exit 4",
      1000);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->out, std::string(1000, 'o'));
  EXPECT_EQ(run->err, std::string(1000, 'e'));
  EXPECT_EQ(run->exit_status, 4);
}

TEST(UsageSampling, ACommandOutlivingTheTimeLimitTimesOut) {
  SF_REQUIRE_LAB(lab);
  SshOptions o = kvm4_ssh(lab);
  auto session = SshSession::connect(o);
  ASSERT_TRUE(session) << session.error().message;
  session->set_timeout(1500ms);
  auto run = session->run_command("sleep 30");
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().kind, ErrorKind::timeout);
  EXPECT_EQ(run.error().message, "kvm4 (root@127.0.0.1:" + lab.get("KVM4_SSH_PORT") +
                                     "): channel failed: timed out after 1500 ms waiting for "
                                     "the output of `sleep 30`");
}

/// A second sshd for kvm4's engine, on a free port, with kvm4's host key and
/// the lab's configuration plus `extra` lines (later lines of sshd_config do
/// not override earlier ones: the lab's MaxSessions line is replaced); its
/// authorized_keys holds `authorized_keys`.  Stopped (SIGTERM) when it goes
/// out of scope.
class ExtraSshd {
 public:
  ExtraSshd(const Lab& lab, const std::string& max_sessions, const std::string& authorized_keys)
      : port_(transport::closed_loopback_port()) {
    std::string conf = read_text(lab.get("LAB_DIR") + "/ssh/sshd-kvm4.conf");
    conf = std::regex_replace(conf, std::regex("\nPort [0-9]+\n"), "\nPort " + std::to_string(port_) + "\n");
    conf = std::regex_replace(conf, std::regex("\nPidFile [^\n]*\n"), "\nPidFile " + dir_ / "sshd.pid" + "\n");
    conf = std::regex_replace(conf, std::regex("\nAuthorizedKeysFile [^\n]*\n"),
                              "\nAuthorizedKeysFile " + dir_ / "authorized_keys" + "\n");
    conf = std::regex_replace(conf, std::regex("\nMaxSessions [0-9]+\n"), "\nMaxSessions " + max_sessions + "\n");
    testing::write_file(dir_ / "sshd.conf", conf);
    testing::write_file(dir_ / "authorized_keys", authorized_keys);
    int status = -1;
    std::string out = testing::run_command("/usr/sbin/sshd -f " + dir_ / "sshd.conf" + " -E " +
                                               dir_ / "sshd.log" + " 2>&1",
                                           &status);
    EXPECT_EQ(status, 0) << out;
    for (int i = 0; i < 100 && pid() <= 0; ++i) std::this_thread::sleep_for(50ms);
  }
  ~ExtraSshd() {
    if (pid_t p = pid(); p > 0) ::kill(p, SIGTERM);
  }
  ExtraSshd(const ExtraSshd&) = delete;
  ExtraSshd& operator=(const ExtraSshd&) = delete;

  [[nodiscard]] uint16_t port() const { return port_; }
  [[nodiscard]] pid_t pid() const {
    std::string text = trimmed(read_text(dir_ / "sshd.pid"));
    return text.empty() ? -1 : static_cast<pid_t>(std::atoi(text.c_str()));
  }
  /// SSH options for this sshd: the lab's key, a fresh known_hosts that
  /// learns the host key on first use.
  [[nodiscard]] SshOptions options(const Lab& lab) const {
    SshOptions o = kvm4_ssh(lab);
    o.port = port_;
    o.known_hosts = dir_ / "known_hosts";
    o.accept_new_host_keys = true;
    return o;
  }
  [[nodiscard]] std::string log() const { return read_text(dir_ / "sshd.log"); }

 private:
  TempDir dir_{"sf-usage-sshd"};
  uint16_t port_;
};

std::string lab_public_key(const Lab& lab) { return read_text(lab.get("SSH_IDENTITY") + ".pub"); }

TEST(UsageSampling, SshdRefusingCommandsIsRefusedSayingWhy) {
  SF_REQUIRE_LAB(lab);
  // MaxSessions 0: no shell, command or subsystem session, forwarding still
  // allowed -- a server that serves the engine but runs nothing.
  ExtraSshd sshd(lab, "0", lab_public_key(lab));
  ASSERT_GT(sshd.pid(), 0) << sshd.log();
  auto session = SshSession::connect(sshd.options(lab));
  ASSERT_TRUE(session) << session.error().message << "\n" << sshd.log();
  auto run = session->run_command(std::string(usage::kHostCountersCommand));
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().kind, ErrorKind::refused);
  const std::string expected_start = "kvm4 (root@127.0.0.1:" + std::to_string(sshd.port()) +
                                     "): running `cat /proc/loadavg /proc/stat` refused by sshd: ";
  EXPECT_TRUE(run.error().message.starts_with(expected_start)) << run.error().message;
  EXPECT_NE(run.error().message.find("it did not open a session channel"), std::string::npos)
      << run.error().message;
  EXPECT_TRUE(run.error().message.ends_with(
      "; the server runs no commands for this user or key (sshd's MaxSessions 0, a key restricted "
      "in authorized_keys, a gateway that only forwards)"))
      << run.error().message;
  // The refusal broke nothing: the engine is still reachable on the session.
  auto stream = session->open_engine_stream();
  ASSERT_TRUE(stream) << stream.error().message;
}

TEST(UsageSampling, AForcedCommandRunsInsteadAndItsOutputComesBack) {
  SF_REQUIRE_LAB(lab);
  // A deploy key restricted as examples/ci/README.md recommends, forced to
  // one command: sshd runs that, not ours; the caller sees what it printed.
  ExtraSshd sshd(lab, "10", "restrict,command=\"echo forced-command\" " + lab_public_key(lab));
  ASSERT_GT(sshd.pid(), 0) << sshd.log();
  auto session = SshSession::connect(sshd.options(lab));
  ASSERT_TRUE(session) << session.error().message << "\n" << sshd.log();
  auto run = session->run_command(std::string(usage::kHostCountersCommand));
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->out, "forced-command\n");
  EXPECT_EQ(run->exit_status, 0);
}

}  // namespace
}  // namespace swarmform
