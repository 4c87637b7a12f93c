// The SSH transport against the real lab (tests/lab/up.sh): sshd in front of
// each engine, ed25519 host and client keys, and a second sshd for kvm4 with
// AllowTcpForwarding no.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "reconciler/transport/ssh_session.h"
#include "support/lab.h"
#include "support/lab_state.h"
#include "support/transport_test_util.h"

namespace swarmform::transport {
namespace {

using model::TransportMode;
using swarmform::testing::Lab;
using swarmform::testing::run_command;
using swarmform::testing::server_fingerprint;
using namespace std::chrono_literals;

SshOptions kvm4(const Lab& lab, TransportMode mode = TransportMode::streamlocal) {
  return ::swarmform::testing::kvm4_ssh_options(lab, mode);
}

SshOptions kvm4_nofwd(const Lab& lab, TransportMode mode) {
  SshOptions o = kvm4(lab, mode);
  o.port = static_cast<uint16_t>(lab.port("KVM4_SSH_NOFWD_PORT"));
  return o;
}

/// Sends a raw GET /_ping that closes the connection and returns everything
/// the engine answered.
std::string ping(Stream& stream) {
  auto sent = stream.write_all("GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(sent.has_value()) << sent.error().message;
  std::string answer;
  char buf[4096];
  for (;;) {
    auto n = stream.read_some(buf);
    if (!n) {
      ADD_FAILURE() << n.error().message;
      break;
    }
    if (*n == 0) break;
    answer.append(buf, *n);
  }
  return answer;
}

void expect_pong(const std::string& answer) {
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200 OK\r\n")) << answer;
  EXPECT_TRUE(answer.ends_with("\r\n\r\nOK")) << answer;
}

TEST(SshTransport, StreamlocalStreamAnswersPing) {
  SF_REQUIRE_LAB(lab);
  auto session = SshSession::connect(kvm4(lab));
  ASSERT_TRUE(session) << session.error().message;
  auto stream = session->open_engine_stream();
  ASSERT_TRUE(stream) << stream.error().message;
  EXPECT_EQ((*stream)->describe(), "kvm4 (root@127.0.0.1:" + lab.get("KVM4_SSH_PORT") +
                                       ", streamlocal " + lab.get("KVM4_SOCKET") + ")");
  expect_pong(ping(**stream));
}

TEST(SshTransport, OneSessionServesStreamsOneAfterAnother) {
  SF_REQUIRE_LAB(lab);
  auto session = SshSession::connect(kvm4(lab));
  ASSERT_TRUE(session) << session.error().message;
  for (int i = 0; i < 2; ++i) {
    auto stream = session->open_engine_stream();
    ASSERT_TRUE(stream) << "stream " << i << ": " << stream.error().message;
    expect_pong(ping(**stream));
  }
  Dialer dial = session->dialer();
  auto stream = dial();
  ASSERT_TRUE(stream) << stream.error().message;
  expect_pong(ping(**stream));
}

TEST(SshTransport, DialerKeepsTheSessionAlive) {
  SF_REQUIRE_LAB(lab);
  Dialer dial;
  {
    auto session = SshSession::connect(kvm4(lab));
    ASSERT_TRUE(session) << session.error().message;
    dial = session->dialer();
  }
  auto stream = dial();
  ASSERT_TRUE(stream) << stream.error().message;
  expect_pong(ping(**stream));
}

TEST(SshTransport, ForcedDialStdioAnswersPing) {
  SF_REQUIRE_LAB(lab);
  auto session = SshSession::connect(kvm4(lab, TransportMode::dial_stdio));
  ASSERT_TRUE(session) << session.error().message;
  auto stream = session->open_engine_stream();
  ASSERT_TRUE(stream) << stream.error().message;
  EXPECT_EQ((*stream)->describe(), "kvm4 (root@127.0.0.1:" + lab.get("KVM4_SSH_PORT") +
                                       ", dial-stdio " + lab.get("KVM4_SOCKET") + ")");
  expect_pong(ping(**stream));
}

TEST(SshTransport, AutomaticModeFallsBackToDialStdioWhenForwardingIsOff) {
  SF_REQUIRE_LAB(lab);
  auto session = SshSession::connect(kvm4_nofwd(lab, TransportMode::automatic));
  ASSERT_TRUE(session) << session.error().message;
  for (int i = 0; i < 2; ++i) {
    auto stream = session->open_engine_stream();
    ASSERT_TRUE(stream) << stream.error().message;
    EXPECT_EQ((*stream)->describe(), "kvm4 (root@127.0.0.1:" + lab.get("KVM4_SSH_NOFWD_PORT") +
                                         ", dial-stdio " + lab.get("KVM4_SOCKET") + ")");
    expect_pong(ping(**stream));
  }
}

/// GET /info over `stream` (connection closed after it): the engine's answer.
std::string engine_info(Stream& stream) {
  auto sent = stream.write_all("GET /v1.41/info HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n");
  if (!sent) return "write failed: " + sent.error().message;
  std::string answer;
  char buf[4096];
  for (;;) {
    auto n = stream.read_some(buf);
    if (!n) return answer + "read failed: " + n.error().message;
    if (*n == 0) return answer;
    answer.append(buf, *n);
  }
}

// issue 10 §6: the nofwd sshd's remote CLI defaults to kvm4's engine; the
// declared socket is kvm2's, and dial-stdio must reach that one.
TEST(SshTransport, DialStdioReachesTheDeclaredSocketNotTheRemoteDefault) {
  SF_REQUIRE_LAB(lab);
  for (TransportMode mode : {TransportMode::automatic, TransportMode::dial_stdio}) {
    SshOptions o = kvm4_nofwd(lab, mode);
    o.docker_socket = lab.get("KVM2_SOCKET");
    auto session = SshSession::connect(o);
    ASSERT_TRUE(session) << session.error().message;
    auto stream = session->open_engine_stream();
    ASSERT_TRUE(stream) << stream.error().message;
    const std::string info = engine_info(**stream);
    EXPECT_NE(info.find("\"Name\":\"kvm2\""), std::string::npos) << info.substr(0, 400);
    EXPECT_EQ(info.find("\"Name\":\"kvm4\""), std::string::npos) << info.substr(0, 400);
  }
}

// issue 10 §6: a typo in docker_socket must not reach the engine the remote
// CLI defaults to (kvm4's, here): it fails, naming the socket.
TEST(SshTransport, AutomaticModeWithAMissingSocketReachesNoOtherEngine) {
  SF_REQUIRE_LAB(lab);
  SshOptions o = kvm4(lab, TransportMode::automatic);
  o.docker_socket = "/nonexistent/docker.sock";
  auto session = SshSession::connect(o);
  ASSERT_TRUE(session) << session.error().message;
  auto stream = session->open_engine_stream();
  std::string outcome = stream ? engine_info(**stream) : stream.error().message;
  EXPECT_EQ(outcome.find("HTTP/1.1 200 OK"), std::string::npos) << outcome.substr(0, 400);
  EXPECT_NE(outcome.find("/nonexistent/docker.sock"), std::string::npos) << outcome.substr(0, 400);
}

TEST(SshTransport, ForcedStreamlocalFailsAtChannelWhenForwardingIsOff) {
  SF_REQUIRE_LAB(lab);
  auto session = SshSession::connect(kvm4_nofwd(lab, TransportMode::streamlocal));
  ASSERT_TRUE(session) << session.error().message;
  auto stream = session->open_engine_stream();
  ASSERT_FALSE(stream);
  const std::string& msg = stream.error().message;
  EXPECT_TRUE(msg.starts_with("kvm4 (root@127.0.0.1:" + lab.get("KVM4_SSH_NOFWD_PORT") +
                              "): channel failed: opening a direct-streamlocal@openssh.com "
                              "channel to " +
                              lab.get("KVM4_SOCKET") + " (sshd refused it"))
      << msg;
  // OpenSSH 9.2 reports a forbidden streamlocal channel as "connect failed".
  EXPECT_NE(msg.find("Channel open failure (connect failed)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("AllowTcpForwarding"), std::string::npos) << msg;
}

TEST(SshTransport, ForcedStreamlocalToAMissingSocketFailsAtChannel) {
  SF_REQUIRE_LAB(lab);
  SshOptions o = kvm4(lab, TransportMode::streamlocal);
  o.docker_socket = "/nonexistent/docker.sock";
  auto session = SshSession::connect(o);
  ASSERT_TRUE(session) << session.error().message;
  auto stream = session->open_engine_stream();
  ASSERT_FALSE(stream);
  EXPECT_NE(stream.error().message.find("channel failed: opening a "
                                        "direct-streamlocal@openssh.com channel to "
                                        "/nonexistent/docker.sock"),
            std::string::npos)
      << stream.error().message;
  EXPECT_NE(stream.error().message.find("is docker_socket right?"), std::string::npos)
      << stream.error().message;
}

TEST(SshTransport, StreamReadTimesOutWhenTheEngineIsSilent) {
  SF_REQUIRE_LAB(lab);
  auto session = SshSession::connect(kvm4(lab));
  ASSERT_TRUE(session) << session.error().message;
  auto stream = session->open_engine_stream();
  ASSERT_TRUE(stream) << stream.error().message;
  session->set_timeout(1s);  // applies to the open stream too
  char buf[64];
  auto start = std::chrono::steady_clock::now();
  auto n = (*stream)->read_some(buf);  // no request sent: dockerd waits for one
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().kind, ErrorKind::timeout) << n.error().message;
  EXPECT_EQ(n.error().message, "kvm4 (root@127.0.0.1:" + lab.get("KVM4_SSH_PORT") +
                                   ", streamlocal " + lab.get("KVM4_SOCKET") +
                                   "): timed out after 1000 ms waiting for data");
  EXPECT_LT(took, 2500ms);
}

TEST(SshTransport, UnknownHostKeyIsRefusedThenAcceptedOnRequest) {
  SF_REQUIRE_LAB(lab);
  TempDir dir;
  const std::string known = dir.path() + "/known_hosts";
  std::ofstream(known).close();
  SshOptions o = kvm4(lab);
  o.known_hosts = known;

  auto refused = SshSession::connect(o);
  ASSERT_FALSE(refused);
  const std::string& msg = refused.error().message;
  EXPECT_EQ(refused.error().kind, ErrorKind::refused);
  const std::string fp = server_fingerprint(lab, o.port);
  ASSERT_TRUE(fp.starts_with("SHA256:")) << "ssh-keyscan failed: " << fp;
  EXPECT_TRUE(msg.starts_with("kvm4 (root@127.0.0.1:" + lab.get("KVM4_SSH_PORT") +
                              "): host key verification failed: "))
      << msg;
  EXPECT_NE(msg.find("ED25519 key " + fp), std::string::npos) << msg;
  EXPECT_NE(msg.find("run with --accept-new-host-keys to trust it, or add it to " + known),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("ssh-keyscan -p " + lab.get("KVM4_SSH_PORT") + " 127.0.0.1"),
            std::string::npos)
      << msg;
  EXPECT_EQ(read_text(known), "") << "a refused key must not be recorded";

  o.accept_new_host_keys = true;
  auto accepted = SshSession::connect(o);
  ASSERT_TRUE(accepted) << accepted.error().message;
  // OpenSSH itself finds the entry we wrote, under the [host]:port name.
  int status = -1;
  std::string found = run_command(
      "ssh-keygen -F '[127.0.0.1]:" + lab.get("KVM4_SSH_PORT") + "' -f " + known + " -l", &status);
  EXPECT_EQ(status, 0) << read_text(known);
  EXPECT_NE(found.find(fp), std::string::npos) << found;

  o.accept_new_host_keys = false;
  auto again = SshSession::connect(o);
  ASSERT_TRUE(again) << again.error().message;
  auto stream = again->open_engine_stream();
  ASSERT_TRUE(stream) << stream.error().message;
  expect_pong(ping(**stream));
}

TEST(SshTransport, MissingKnownHostsFileIsCreatedOnAccept) {
  SF_REQUIRE_LAB(lab);
  TempDir dir;
  SshOptions o = kvm4(lab);
  o.known_hosts = dir.path() + "/known_hosts";
  o.accept_new_host_keys = true;
  auto accepted = SshSession::connect(o);
  ASSERT_TRUE(accepted) << accepted.error().message;
  std::string pub = run_command("ssh-keyscan -t ed25519 -p " + lab.get("KVM4_SSH_PORT") +
                                " 127.0.0.1 2>/dev/null");
  EXPECT_EQ(read_text(o.known_hosts), pub);
}

TEST(SshTransport, HashedKnownHostsEntriesMatch) {
  SF_REQUIRE_LAB(lab);
  TempDir dir;
  const std::string known = dir.path() + "/known_hosts";
  std::filesystem::copy_file(lab.get("SSH_KNOWN_HOSTS"), known);
  int status = -1;
  run_command("ssh-keygen -H -f " + known + " 2>&1", &status);
  ASSERT_EQ(status, 0);
  ASSERT_TRUE(read_text(known).starts_with("|1|")) << read_text(known);
  SshOptions o = kvm4(lab);
  o.known_hosts = known;
  auto session = SshSession::connect(o);
  ASSERT_TRUE(session) << session.error().message;
}

TEST(SshTransport, ChangedHostKeyIsRefusedEvenWithAcceptNew) {
  SF_REQUIRE_LAB(lab);
  TempDir dir;
  const std::string impostor = dir.path() + "/impostor";
  int status = -1;
  run_command("ssh-keygen -q -t ed25519 -N '' -f " + impostor, &status);
  ASSERT_EQ(status, 0);
  std::istringstream pub(read_text(impostor + ".pub"));
  std::string type, base64;
  pub >> type >> base64;
  const std::string known = dir.path() + "/known_hosts";
  const std::string entry =
      "[127.0.0.1]:" + lab.get("KVM4_SSH_PORT") + " " + type + " " + base64 + "\n";
  std::ofstream(known) << entry;

  SshOptions o = kvm4(lab);
  o.known_hosts = known;
  o.accept_new_host_keys = true;
  auto refused = SshSession::connect(o);
  ASSERT_FALSE(refused);
  const std::string& msg = refused.error().message;
  EXPECT_EQ(refused.error().kind, ErrorKind::refused);
  std::istringstream expected_fp(run_command("ssh-keygen -lf " + impostor + ".pub"));
  std::string bits, expected;
  expected_fp >> bits >> expected;
  const std::string got = server_fingerprint(lab, o.port);
  EXPECT_NE(msg.find("REMOTE HOST IDENTIFICATION HAS CHANGED for [127.0.0.1]:" +
                     lab.get("KVM4_SSH_PORT")),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("expected ED25519 key " + expected), std::string::npos) << msg;
  EXPECT_NE(msg.find("got ED25519 key " + got), std::string::npos) << msg;
  EXPECT_NE(msg.find("remove the old entry from " + known), std::string::npos) << msg;
  EXPECT_EQ(read_text(known), entry) << "a changed key must never be rewritten";
}

TEST(SshTransport, PinnedKeyOfAnotherTypeIsRefusedAsChanged) {
  SF_REQUIRE_LAB(lab);
  TempDir dir;
  const std::string impostor = dir.path() + "/impostor";
  int status = -1;
  run_command("ssh-keygen -q -t ecdsa -N '' -f " + impostor, &status);
  ASSERT_EQ(status, 0);
  std::istringstream pub(read_text(impostor + ".pub"));
  std::string type, base64;
  pub >> type >> base64;
  SshOptions o = kvm4(lab);
  o.known_hosts = dir.path() + "/known_hosts";
  std::ofstream(o.known_hosts) << "[127.0.0.1]:" << o.port << " " << type << " " << base64 << "\n";
  o.accept_new_host_keys = true;
  // The lab's sshd has only an ed25519 host key: offering it instead of the
  // pinned ECDSA key must not pass as a "new" host.
  auto refused = SshSession::connect(o);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::refused);
  EXPECT_NE(refused.error().message.find("REMOTE HOST IDENTIFICATION HAS CHANGED"),
            std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("expected ECDSA key"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("got ED25519 key " + server_fingerprint(lab, o.port)),
            std::string::npos)
      << refused.error().message;
}

TEST(SshTransport, RefusedRsaKeyMentionsSha1Signatures) {
  SF_REQUIRE_LAB(lab);
  TempDir dir;
  const std::string key = dir.path() + "/id_rsa";
  int status = -1;
  run_command("ssh-keygen -q -t rsa -b 2048 -N '' -f " + key, &status);
  ASSERT_EQ(status, 0);
  SshOptions o = kvm4(lab);
  o.identity = key;
  auto refused = SshSession::connect(o);
  ASSERT_FALSE(refused);
  EXPECT_NE(
      refused.error().message.find("auth failed: the server refused key " + key + " for user root"),
      std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("ssh-rsa (SHA-1)"), std::string::npos)
      << refused.error().message;
}

TEST(SshTransport, UnauthorizedClientKeyIsRefusedNamingKeyAndUser) {
  SF_REQUIRE_LAB(lab);
  TempDir dir;
  const std::string key = dir.path() + "/id_ed25519";
  int status = -1;
  run_command("ssh-keygen -q -t ed25519 -N '' -f " + key, &status);
  ASSERT_EQ(status, 0);
  SshOptions o = kvm4(lab);
  o.identity = key;
  auto refused = SshSession::connect(o);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::refused);
  EXPECT_EQ(refused.error().message,
            "kvm4 (root@127.0.0.1:" + lab.get("KVM4_SSH_PORT") +
                "): auth failed: the server refused key " + key +
                " for user root (is its public key in that user's authorized_keys?)");
}

TEST(SshTransport, EncryptedKeyNeedsThePassphraseFromTheEnvironment) {
  SF_REQUIRE_LAB(lab);
  TempDir dir;
  const std::string key = dir.path() + "/id_ed25519";
  int status = -1;
  run_command("ssh-keygen -q -t ed25519 -N 'sesame' -f " + key, &status);
  ASSERT_EQ(status, 0);
  SshOptions o = kvm4(lab);
  o.identity = key;
  ScopedEnv no_passphrase("SWARMFORM_SSH_PASSPHRASE", std::nullopt);
  auto locked = SshSession::connect(o);
  ASSERT_FALSE(locked);
  EXPECT_NE(locked.error().message.find("auth failed: cannot load private key " + key),
            std::string::npos)
      << locked.error().message;
  EXPECT_NE(locked.error().message.find("SWARMFORM_SSH_PASSPHRASE"), std::string::npos)
      << locked.error().message;

  // With the passphrase the key loads, and the server (which does not know
  // this key) refuses it: proof the passphrase was used.
  ScopedEnv passphrase("SWARMFORM_SSH_PASSPHRASE", "sesame");
  auto unlocked = SshSession::connect(o);
  ASSERT_FALSE(unlocked);
  EXPECT_NE(unlocked.error().message.find("the server refused key " + key), std::string::npos)
      << unlocked.error().message;
}

TEST(SshTransport, AgentKeysAreUsedWithoutAnIdentityFile) {
  SF_REQUIRE_LAB(lab);
  TempDir dir;
  const std::string sock = dir.path() + "/agent.sock";
  int status = -1;
  std::string pid = run_command(
      "ssh-agent -a " + sock + " -s | sed -n 's/^SSH_AGENT_PID=\\([0-9]*\\);.*/\\1/p'", &status);
  ASSERT_EQ(status, 0);
  ASSERT_FALSE(pid.empty());
  struct KillAgent {
    pid_t pid;
    ~KillAgent() { ::kill(pid, SIGTERM); }
  } kill_agent{static_cast<pid_t>(std::stol(pid))};
  SshOptions o = kvm4(lab);
  o.identity.reset();

  ScopedEnv agent("SSH_AUTH_SOCK", sock);
  auto empty = SshSession::connect(o);
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("auth failed: ssh-agent at " + sock + " holds no keys"),
            std::string::npos)
      << empty.error().message;

  run_command("SSH_AUTH_SOCK=" + sock + " ssh-add -q " + lab.get("SSH_IDENTITY") + " 2>&1",
              &status);
  ASSERT_EQ(status, 0);
  auto session = SshSession::connect(o);
  ASSERT_TRUE(session) << session.error().message;
  auto stream = session->open_engine_stream();
  ASSERT_TRUE(stream) << stream.error().message;
  expect_pong(ping(**stream));
}

TEST(SshTransport, NoIdentityAndNoAgentIsExplained) {
  SF_REQUIRE_LAB(lab);
  SshOptions o = kvm4(lab);
  o.identity.reset();
  ScopedEnv no_agent("SSH_AUTH_SOCK", std::nullopt);
  auto refused = SshSession::connect(o);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("auth failed: no identity file is configured and "
                                         "SSH_AUTH_SOCK is not set"),
            std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace swarmform::transport
