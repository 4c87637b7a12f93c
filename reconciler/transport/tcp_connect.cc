#include "reconciler/transport/tcp_connect.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "reconciler/transport/fd_stream.h"
#include "reconciler/util/c_handle.h"

namespace swarmform::transport {
namespace {

std::string ms(std::chrono::milliseconds t) { return std::to_string(t.count()) + " ms"; }

/// One attempt: connected socket, or the errno that stopped it (ETIMEDOUT
/// when `left` ran out).
Result<UniqueFd> try_connect(const addrinfo& ai, std::chrono::milliseconds left, int* err) {
  UniqueFd fd(
      ::socket(ai.ai_family, ai.ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai.ai_protocol));
  if (!fd.valid()) {
    *err = errno;
    return fail(std::strerror(errno));
  }
  if (::connect(fd.get(), ai.ai_addr, ai.ai_addrlen) != 0) {
    if (errno != EINPROGRESS) {
      *err = errno;
      return fail(std::strerror(errno));
    }
    SF_TRY_ASSIGN(bool ready, wait_fd(fd.get(), POLLOUT, left));
    if (!ready) {
      *err = ETIMEDOUT;
      return fail("timed out");
    }
    int so_error = 0;
    socklen_t len = sizeof so_error;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) {
      *err = so_error;
      return fail(std::strerror(so_error));
    }
  }
  int flags = ::fcntl(fd.get(), F_GETFL);
  ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

}  // namespace

Result<UniqueFd> tcp_connect(const std::string& address, uint16_t port,
                             std::chrono::milliseconds timeout) {
  const std::string where = address + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  int gai = ::getaddrinfo(address.c_str(), std::to_string(port).c_str(), &hints, &raw);
  if (gai != 0) {
    return fail("cannot resolve " + address + ": " + ::gai_strerror(gai), ErrorKind::not_found);
  }
  CHandle<addrinfo, ::freeaddrinfo> list(raw);

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int last_err = 0;
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      last_err = ETIMEDOUT;
      break;
    }
    auto fd = try_connect(*ai, left, &last_err);
    if (fd) return std::move(*fd);
  }
  if (last_err == ETIMEDOUT) {
    return fail("TCP connect to " + where + " timed out after " + ms(timeout), ErrorKind::timeout);
  }
  if (last_err == ECONNREFUSED) {
    return fail("connection to " + where + " refused: is sshd listening there?",
                ErrorKind::refused);
  }
  return fail("cannot connect to " + where + ": " + std::strerror(last_err));
}

}  // namespace swarmform::transport
