#include "reconciler/util/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

namespace swarmform {

Result<void> write_file_atomically(const std::string& path, std::string_view content) {
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0) return fail("cannot write " + path + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string cause = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail("cannot write " + path + ": " + cause);
    }
    done += static_cast<size_t>(n);
  }
  fchmod(fd, 0644);
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string cause = std::strerror(errno);
    ::unlink(tmp.c_str());
    return fail("cannot write " + path + ": " + cause);
  }
  return {};
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + path + ": " + std::strerror(errno), ErrorKind::not_found);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string utc_now_rfc3339() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace swarmform
