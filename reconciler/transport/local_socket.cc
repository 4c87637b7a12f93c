#include "reconciler/transport/local_socket.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "reconciler/transport/fd_stream.h"
#include "reconciler/util/unique_fd.h"

namespace swarmform::transport {
namespace {

Error connect_error(const std::string& path, int err, std::chrono::milliseconds timeout) {
  switch (err) {
    case ENOENT:
      return Error{ErrorKind::not_found, "no socket at " + path + ": is dockerd running?", 0};
    case EACCES:
    case EPERM:
      return Error{ErrorKind::refused,
                   "permission denied connecting to " + path +
                       ": run as root or as a member of the socket's group (usually docker)",
                   0};
    case ECONNREFUSED:
      return Error{ErrorKind::refused,
                   "nothing is listening on " + path +
                       " (a stale socket file, or not a socket): is dockerd running?",
                   0};
    case ENOTDIR:
      return Error{ErrorKind::not_found,
                   "no socket at " + path + ": a parent of it is not a directory", 0};
    case EAGAIN:
    case EINPROGRESS:
    case ETIMEDOUT:
      return Error{ErrorKind::timeout,
                   "timed out after " + std::to_string(timeout.count()) + " ms connecting to " +
                       path + ": the listener is not accepting connections",
                   0};
    default:
      return Error{ErrorKind::failed, "cannot connect to " + path + ": " + std::strerror(err), 0};
  }
}

}  // namespace

Result<std::unique_ptr<Stream>> connect_unix_socket(const std::string& path,
                                                    std::chrono::milliseconds timeout) {
  sockaddr_un addr{};
  if (path.empty()) return fail("no socket path given");
  if (path.size() >= sizeof(addr.sun_path)) {
    return fail("socket path is too long (" + std::to_string(path.size()) + " bytes, at most " +
                std::to_string(sizeof(addr.sun_path) - 1) + "): " + path);
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());

  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return fail(std::string("cannot create a unix socket: ") + std::strerror(errno));
  // A blocking connect to a unix socket waits while the listener's backlog is
  // full; SO_SNDTIMEO bounds that wait.
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

  int rc = 0;
  do {
    rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) return fail(connect_error(path, errno, timeout));

  timeval none{};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &none, sizeof none);
  return std::make_unique<FdStream>(std::move(fd), timeout, "local socket " + path);
}

Dialer unix_socket_dialer(std::string path, std::chrono::milliseconds timeout) {
  return [path = std::move(path), timeout] { return connect_unix_socket(path, timeout); };
}

}  // namespace swarmform::transport
