#pragma once
// Reading back what a writer put in a FIFO, without ever blocking the test.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace swarmform::testing {

/// A reader of the FIFO at `path`, open before the write (so the writer's
/// open finds it and does not wait) and read after it: what the writer put
/// in the pipe.  Should the FIFO be replaced instead, it reads nothing
/// rather than waiting forever.
class FifoReader {
 public:
  explicit FifoReader(const std::string& path)
      : fd_(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)) {
    EXPECT_GE(fd_, 0) << path << ": " << std::strerror(errno);
  }
  ~FifoReader() {
    if (fd_ >= 0) ::close(fd_);
  }
  FifoReader(const FifoReader&) = delete;
  FifoReader& operator=(const FifoReader&) = delete;
  std::string read_all() {
    std::string out;
    char buf[4096];
    ssize_t n = 0;
    while ((n = ::read(fd_, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }

 private:
  int fd_;
};

}  // namespace swarmform::testing
