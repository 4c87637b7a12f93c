#pragma once
// Small fixtures for the transport tests: a temporary directory (TempDir, of
// support/temp_dir.h), a scoped environment variable, loopback ports that
// refuse or never answer.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "support/process.h"
#include "support/temp_dir.h"

namespace swarmform::transport {

using testing::read_text;
using testing::TempDir;

/// Sets (or, with nullopt, unsets) an environment variable for a scope.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) old_ = old;
    if (value) {
      ::setenv(name_.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

/// A TCP socket bound to 127.0.0.1 on a kernel-chosen port; listening or not.
class LoopbackSocket {
 public:
  /// backlog < 0: bound but not listening.
  explicit LoopbackSocket(int backlog) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    if (backlog >= 0) ::listen(fd_, backlog);
  }
  ~LoopbackSocket() { ::close(fd_); }
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;
  [[nodiscard]] uint16_t port() const { return port_; }
  [[nodiscard]] int fd() const { return fd_; }

 private:
  int fd_;
  uint16_t port_ = 0;
};

/// Listens and never accepts: the kernel completes TCP handshakes from the
/// backlog, so a client connects and then hears nothing.
class SilentListener : public LoopbackSocket {
 public:
  SilentListener() : LoopbackSocket(16) {}
};

/// Listens with a backlog of one and fills it itself: the kernel drops
/// further SYNs, so a client's TCP connect hangs until its deadline.
class FullListener {
 public:
  FullListener() : listener_(0) {
    filler_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(listener_.port());
    ::connect(filler_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  }
  ~FullListener() { ::close(filler_); }
  FullListener(const FullListener&) = delete;
  FullListener& operator=(const FullListener&) = delete;
  [[nodiscard]] uint16_t port() const { return listener_.port(); }

 private:
  LoopbackSocket listener_;
  int filler_ = -1;
};

/// A loopback port nothing listens on (bound, then released).
inline uint16_t closed_loopback_port() { return LoopbackSocket(-1).port(); }

}  // namespace swarmform::transport
