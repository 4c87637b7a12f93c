// How SshSession::connect fails before any real sshd is involved: a closed
// port, a TCP connect that hangs, a server that never speaks, a server that
// is not sshd.  Runs without the lab.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "reconciler/transport/ssh_session.h"
#include "support/transport_test_util.h"

namespace swarmform::transport {
namespace {

using namespace std::chrono_literals;

class TransportSshConnectFailure : public ::testing::Test {
 protected:
  SshOptions options(uint16_t port) {
    SshOptions o;
    o.host_label = "kvm4";
    o.user = "root";
    o.address = "127.0.0.1";
    o.port = port;
    o.identity = dir_.path() + "/id_ed25519";
    o.known_hosts = dir_.path() + "/known_hosts";
    o.timeout = 1s;
    return o;
  }
  std::string label(uint16_t port) { return "kvm4 (root@127.0.0.1:" + std::to_string(port) + ")"; }
  TempDir dir_;
};

TEST_F(TransportSshConnectFailure, ClosedPortIsRefusedAtConnect) {
  const uint16_t port = closed_loopback_port();
  auto start = std::chrono::steady_clock::now();
  auto refused = SshSession::connect(options(port));
  ASSERT_FALSE(refused);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
  EXPECT_EQ(refused.error().kind, ErrorKind::refused);
  EXPECT_EQ(refused.error().message,
            label(port) + ": connect failed: connection to 127.0.0.1:" + std::to_string(port) +
                " refused: is sshd listening there?");
}

TEST_F(TransportSshConnectFailure, UnansweredTcpConnectTimesOutAtConnect) {
  FullListener full;
  auto start = std::chrono::steady_clock::now();
  auto timed_out = SshSession::connect(options(full.port()));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(timed_out);
  EXPECT_EQ(timed_out.error().kind, ErrorKind::timeout) << timed_out.error().message;
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 2s);
  EXPECT_EQ(timed_out.error().message,
            label(full.port()) + ": connect failed: TCP connect to 127.0.0.1:" +
                std::to_string(full.port()) + " timed out after 1000 ms");
}

TEST_F(TransportSshConnectFailure, SilentServerTimesOutAtHandshake) {
  SilentListener silent;  // TCP connects (via the backlog), no banner ever comes
  auto start = std::chrono::steady_clock::now();
  auto timed_out = SshSession::connect(options(silent.port()));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(timed_out);
  EXPECT_EQ(timed_out.error().kind, ErrorKind::timeout) << timed_out.error().message;
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 2s);
  EXPECT_TRUE(timed_out.error().message.starts_with(
      label(silent.port()) + ": handshake failed: SSH handshake: timed out after 1000 ms"))
      << timed_out.error().message;
}

TEST_F(TransportSshConnectFailure, NonSshServerFailsAtHandshake) {
  LoopbackSocket listener(4);
  std::thread server([&listener] {
    int c = ::accept(listener.fd(), nullptr, nullptr);
    const std::string reply = "HTTP/1.1 400 Bad Request\r\n\r\n";
    (void)!::write(c, reply.data(), reply.size());
    ::close(c);
  });
  auto failed = SshSession::connect(options(listener.port()));
  server.join();
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().kind, ErrorKind::timeout) << failed.error().message;
  EXPECT_TRUE(failed.error().message.starts_with(
      label(listener.port()) +
      ": handshake failed: SSH handshake: the server sent no SSH banner (it closed the "
      "connection, or is not an SSH server)"))
      << failed.error().message;
}

TEST_F(TransportSshConnectFailure, UnreadableKnownHostsFailsBeforeConnecting) {
  SshOptions o = options(closed_loopback_port());
  o.known_hosts = dir_.path();  // a directory
  auto failed = SshSession::connect(o);
  ASSERT_FALSE(failed);
  EXPECT_TRUE(failed.error().message.starts_with(
      label(o.port) + ": host key verification failed: cannot read known_hosts file " +
      dir_.path()))
      << failed.error().message;
}

}  // namespace
}  // namespace swarmform::transport
