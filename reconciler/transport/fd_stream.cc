#include "reconciler/transport/fd_stream.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace swarmform::transport {

Result<bool> wait_fd(int fd, short events, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd pfd{fd, events, 0};
    int rc = ::poll(&pfd, 1, static_cast<int>(std::max<int64_t>(left.count(), 0)));
    if (rc > 0) return true;
    if (rc == 0) return false;
    if (errno != EINTR) return fail(std::string("poll failed: ") + std::strerror(errno));
  }
}

FdStream::FdStream(UniqueFd fd, std::chrono::milliseconds timeout, std::string description)
    : fd_(std::move(fd)), timeout_(timeout), description_(std::move(description)) {
  int flags = ::fcntl(fd_.get(), F_GETFL);
  if (flags >= 0) ::fcntl(fd_.get(), F_SETFL, flags | O_NONBLOCK);
}

Result<void> FdStream::write_all(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      SF_TRY_ASSIGN(bool ready, wait_fd(fd_.get(), POLLOUT, timeout_));
      if (!ready) {
        return fail("timed out after " + std::to_string(timeout_.count()) + " ms writing to " +
                        description_ + " (the peer stopped reading)",
                    ErrorKind::timeout);
      }
      continue;
    }
    return fail("writing to " + description_ + " failed: " + std::strerror(errno));
  }
  return {};
}

Result<std::size_t> FdStream::read_some(std::span<char> buf) {
  if (buf.empty()) return fail("read_some on " + description_ + " with an empty buffer");
  for (;;) {
    ssize_t n = ::recv(fd_.get(), buf.data(), buf.size(), 0);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      SF_TRY_ASSIGN(bool ready, wait_fd(fd_.get(), POLLIN, timeout_));
      if (!ready) {
        return fail("timed out after " + std::to_string(timeout_.count()) +
                        " ms waiting for data from " + description_,
                    ErrorKind::timeout);
      }
      continue;
    }
    return fail("reading from " + description_ + " failed: " + std::strerror(errno));
  }
}

}  // namespace swarmform::transport
