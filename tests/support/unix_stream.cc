#include "support/unix_stream.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace swarmform::testing {
namespace {

class UnixStream final : public transport::Stream {
 public:
  UnixStream(int fd, std::string path, std::chrono::milliseconds timeout)
      : fd_(fd), path_(std::move(path)), timeout_(timeout) {}
  ~UnixStream() override { ::close(fd_); }

  Result<void> write_all(std::string_view data) override {
    while (!data.empty()) {
      SF_TRY(wait_for(POLLOUT));
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail("writing to " + describe() + ": " + std::strerror(errno));
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
  }

  Result<std::size_t> read_some(std::span<char> buf) override {
    for (;;) {
      SF_TRY(wait_for(POLLIN));
      ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail("reading from " + describe() + ": " + std::strerror(errno));
      return static_cast<std::size_t>(n);
    }
  }

  [[nodiscard]] std::string describe() const override { return "unix:" + path_; }

 private:
  Result<void> wait_for(short events) {
    pollfd p{fd_, events, 0};
    for (;;) {
      int rc = ::poll(&p, 1, static_cast<int>(timeout_.count()));
      if (rc < 0 && errno == EINTR) continue;
      if (rc < 0) return fail("poll on " + describe() + ": " + std::strerror(errno));
      if (rc == 0) return fail("timed out on " + describe(), ErrorKind::timeout);
      return {};
    }
  }

  int fd_;
  std::string path_;
  std::chrono::milliseconds timeout_;
};

}  // namespace

Result<std::unique_ptr<transport::Stream>> connect_unix(const std::string& path,
                                                        std::chrono::milliseconds timeout) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) return fail("unix socket path too long: " + path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(std::string("socket: ") + std::strerror(errno));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int err = errno;
    ::close(fd);
    return fail("connecting to unix:" + path + ": " + std::strerror(err),
                err == ENOENT ? ErrorKind::not_found : ErrorKind::refused);
  }
  return std::make_unique<UnixStream>(fd, path, timeout);
}

transport::Dialer unix_dialer(std::string path, int* dials) {
  return [path = std::move(path), dials]() -> Result<std::unique_ptr<transport::Stream>> {
    if (dials != nullptr) ++*dials;
    return connect_unix(path);
  };
}

}  // namespace swarmform::testing
