#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

#include "reconciler/transport/local_socket.h"
#include "support/transport_test_util.h"

namespace swarmform::transport {
namespace {

using namespace std::chrono_literals;

/// A unix socket listener at `path` (left in place when closed, like a
/// crashed daemon's socket).
int listen_unix(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << path;
  EXPECT_EQ(::listen(fd, 4), 0);
  return fd;
}

std::string read_all(Stream& stream) {
  std::string out;
  char buf[3];  // small, to exercise several reads
  for (;;) {
    auto n = stream.read_some(buf);
    if (!n) {
      ADD_FAILURE() << n.error().message;
      return out;
    }
    if (*n == 0) return out;
    out.append(buf, *n);
  }
}

TEST(TransportLocalSocket, RoundTripsUntilThePeerCloses) {
  TempDir dir;
  const std::string path = dir.path() + "/docker.sock";
  int listener = listen_unix(path);
  std::thread server([listener] {
    int c = ::accept(listener, nullptr, nullptr);
    std::string got;
    char buf[256];
    while (got.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::read(c, buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK";
    if (got != "GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n") answer = "unexpected: " + got;
    EXPECT_EQ(::write(c, answer.data(), answer.size()), static_cast<ssize_t>(answer.size()));
    ::close(c);
  });
  auto stream = connect_unix_socket(path, 2s);
  ASSERT_TRUE(stream) << stream.error().message;
  EXPECT_EQ((*stream)->describe(), "local socket " + path);
  ASSERT_TRUE((*stream)->write_all("GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n"));
  EXPECT_EQ(read_all(**stream), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
  server.join();
  ::close(listener);
}

TEST(TransportLocalSocket, ReadTimesOutWhenThePeerIsSilent) {
  TempDir dir;
  const std::string path = dir.path() + "/docker.sock";
  int listener = listen_unix(path);
  Dialer dial = unix_socket_dialer(path, 200ms);
  auto stream = dial();
  ASSERT_TRUE(stream) << stream.error().message;
  char buf[16];
  auto start = std::chrono::steady_clock::now();
  auto n = (*stream)->read_some(buf);
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().kind, ErrorKind::timeout);
  EXPECT_EQ(n.error().message, "timed out after 200 ms waiting for data from local socket " + path);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 190ms);
  ::close(listener);
}

TEST(TransportLocalSocket, MissingSocketAsksWhetherDockerdRuns) {
  TempDir dir;
  const std::string path = dir.path() + "/docker.sock";
  auto stream = connect_unix_socket(path, 1s);
  ASSERT_FALSE(stream);
  EXPECT_EQ(stream.error().kind, ErrorKind::not_found);
  EXPECT_EQ(stream.error().message, "no socket at " + path + ": is dockerd running?");
}

TEST(TransportLocalSocket, StaleSocketFileIsRefused) {
  TempDir dir;
  const std::string path = dir.path() + "/docker.sock";
  ::close(listen_unix(path));  // the file stays, nobody listens
  auto stream = connect_unix_socket(path, 1s);
  ASSERT_FALSE(stream);
  EXPECT_EQ(stream.error().kind, ErrorKind::refused);
  EXPECT_EQ(stream.error().message, "nothing is listening on " + path +
                                        " (a stale socket file, or not a socket): is dockerd "
                                        "running?");
}

TEST(TransportLocalSocket, OverlongPathIsRejected) {
  const std::string path = "/tmp/" + std::string(200, 'x') + "/docker.sock";
  auto stream = connect_unix_socket(path, 1s);
  ASSERT_FALSE(stream);
  EXPECT_EQ(stream.error().message, "socket path is too long (" + std::to_string(path.size()) +
                                        " bytes, at most 107): " + path);
}

}  // namespace
}  // namespace swarmform::transport
