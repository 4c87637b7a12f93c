#pragma once
// A Stream over a connected socket file descriptor, with poll() timeouts.

#include <chrono>
#include <string>

#include "reconciler/transport/stream.h"
#include "reconciler/util/unique_fd.h"

namespace swarmform::transport {

/// Stream over a connected stream socket.  Owns the descriptor (and puts it
/// into non-blocking mode).  Every read or write fails with ErrorKind::timeout
/// once the peer has been silent (or not reading) for `timeout`.  Not
/// thread-safe: one thread at a time.
class FdStream final : public Stream {
 public:
  /// `description` is what describe() returns, e.g. "local socket /run/docker.sock".
  FdStream(UniqueFd fd, std::chrono::milliseconds timeout, std::string description);

  Result<void> write_all(std::string_view data) override;
  /// REQUIRES: !buf.empty().
  Result<std::size_t> read_some(std::span<char> buf) override;
  [[nodiscard]] std::string describe() const override { return description_; }

 private:
  UniqueFd fd_;
  std::chrono::milliseconds timeout_;
  std::string description_;
};

/// Waits until `fd` is ready for `events` (POLLIN/POLLOUT).  Returns false when
/// `timeout` passed first; fails only when poll() itself fails.
Result<bool> wait_fd(int fd, short events, std::chrono::milliseconds timeout);

}  // namespace swarmform::transport
