#include "reconciler/util/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include "reconciler/util/c_handle.h"

namespace swarmform {
namespace {

/// What is at a path, as lstat (or stat, through a symlink) found it.
enum class Kind { missing, regular, directory, char_device, block_device, fifo, socket, symlink, other };

struct Found {
  Kind kind = Kind::missing;
  dev_t dev = 0;
  ino_t ino = 0;
};

Kind kind_of(mode_t mode) {
  if (S_ISREG(mode)) return Kind::regular;
  if (S_ISDIR(mode)) return Kind::directory;
  if (S_ISCHR(mode)) return Kind::char_device;
  if (S_ISBLK(mode)) return Kind::block_device;
  if (S_ISFIFO(mode)) return Kind::fifo;
  if (S_ISSOCK(mode)) return Kind::socket;
  if (S_ISLNK(mode)) return Kind::symlink;
  return Kind::other;
}

std::string kind_words(Kind kind) {
  switch (kind) {
    case Kind::missing: return "missing";
    case Kind::regular: return "a regular file";
    case Kind::directory: return "a directory";
    case Kind::char_device: return "a character device";
    case Kind::block_device: return "a block device";
    case Kind::fifo: return "a FIFO";
    case Kind::socket: return "a socket";
    case Kind::symlink: return "a symlink";
    case Kind::other: break;
  }
  return "not a file";
}

/// What is at `path` itself (a symlink is not followed when `follow` is off).
Result<Found> look_at(const std::string& path, bool follow) {
  struct stat st {};
  if ((follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st)) != 0) {
    if (errno == ENOENT) return Found{};
    return fail("cannot write " + path + ": " + std::strerror(errno));
  }
  return Found{kind_of(st.st_mode), st.st_dev, st.st_ino};
}

constexpr std::string_view kAtomicAdvice =
    "only a regular file or a new path is replaced; remove it or choose another path";
constexpr std::string_view kOutputAdvice =
    "give a regular file (replaced whole) or a new path, a character device or FIFO (written straight), "
    "or - for standard output";

std::string refusal(const std::string& path, const std::string& what, std::string_view advice) {
  return "cannot write " + path + ": it is " + what + "; " + std::string(advice);
}

/// Where the symlink `path` leads in the end, for messages.
std::string resolved(const std::string& path) {
  CHandle<char, ::free> real(::realpath(path.c_str(), nullptr));
  if (real) return real.get();
  char buf[PATH_MAX];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("?");
}

Result<void> write_all(int fd, std::string_view content, const std::string& path) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot write " + path + ": " + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return {};
}

/// Best effort: the rename itself survives a crash once the folder is synced.
void sync_parent(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

/// Renames `tmp` to `path` only if `path` does not exist.  Returns false
/// with errno EEXIST when it does.  Falls back to link + unlink where the
/// file system lacks RENAME_NOREPLACE, and to a plain rename where it lacks
/// hard links too.
bool rename_no_replace(const std::string& tmp, const std::string& path) {
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno != EINVAL && errno != ENOSYS) return false;
  if (::link(tmp.c_str(), path.c_str()) == 0) {
    ::unlink(tmp.c_str());
    return true;
  }
  if (errno == EEXIST) return false;
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

/// A temporary file written and synced beside `path`, to be renamed over it.
struct Staged {
  std::string path;
  std::string tmp;
  Found found;
};

/// The first half of the atomic write once `path` was found regular or
/// missing (`found`): the content in a synced temporary file beside it.
Result<Staged> stage(const std::string& path, std::string_view content, mode_t mode, Found found) {
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = ::mkostemp(tmp.data(), O_CLOEXEC);  // 0600 until fchmod: never readable by others early
  if (fd < 0) return fail("cannot write " + path + ": " + std::strerror(errno));
  auto discard = [&](std::string cause) -> Result<Staged> {
    ::unlink(tmp.c_str());
    return fail(std::move(cause));
  };
  if (::fchmod(fd, mode) != 0) {
    std::string cause = std::strerror(errno);
    ::close(fd);
    return discard("cannot write " + path + ": " + cause);
  }
  if (auto written = write_all(fd, content, path); !written) {
    ::close(fd);
    return discard(written.error().message);
  }
  const bool synced = ::fsync(fd) == 0;
  const int sync_errno = errno;
  const bool closed = ::close(fd) == 0;
  if (!synced || !closed) return discard("cannot write " + path + ": " + std::strerror(synced ? errno : sync_errno));
  return Staged{path, std::move(tmp), found};
}

/// The second half: the staged file renamed over its path.  On failure the
/// temporary file is removed and the path left as it was.
Result<void> install(const Staged& staged) {
  const std::string& path = staged.path;
  const std::string& tmp = staged.tmp;
  auto discard = [&](std::string cause) -> Result<void> {
    ::unlink(tmp.c_str());
    return fail(std::move(cause));
  };
  // Between the look and the rename something else may have been put at
  // `path`: a missing path is never replaced (RENAME_NOREPLACE), a regular
  // file is looked at again just before the rename (rename has no
  // "regular files only" flag, so a window of a few instructions remains).
  if (staged.found.kind == Kind::missing) {
    if (rename_no_replace(tmp, path)) {
      sync_parent(path);
      return {};
    }
    if (errno != EEXIST) return discard("cannot write " + path + ": " + std::strerror(errno));
  }
  auto now = look_at(path, false);
  if (!now) return discard(now.error().message);
  if (now->kind != Kind::regular) {
    return discard(refusal(path, kind_words(now->kind) + " (it changed while the file was written)", kAtomicAdvice));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return discard("cannot write " + path + ": " + std::strerror(errno));
  sync_parent(path);
  return {};
}

/// The atomic write once `path` was found regular or missing (`found`).
Result<void> replace_atomically(const std::string& path, std::string_view content, mode_t mode, Found found) {
  SF_TRY_ASSIGN(Staged staged, stage(path, content, mode, found));
  return install(staged);
}

/// Writes to a device or FIFO found at `path`: opened for writing only (no
/// O_CREAT, no O_TRUNC, so nothing is created or replaced), and checked
/// again on the open descriptor.  A FIFO's open waits for its reader.
Result<void> write_straight(const std::string& path, std::string_view content, bool through_symlink) {
  const int flags = O_WRONLY | O_NOCTTY | O_CLOEXEC | (through_symlink ? 0 : O_NOFOLLOW);
  int fd = -1;
  do {
    fd = ::open(path.c_str(), flags);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return fail("cannot write " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || (!S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode))) {
    ::close(fd);
    return fail(refusal(path, kind_words(kind_of(st.st_mode)) + " (it changed while being opened)", kOutputAdvice));
  }
  auto written = write_all(fd, content, path);
  if (::close(fd) != 0 && written) return fail("cannot write " + path + ": " + std::strerror(errno));
  return written;
}

}  // namespace

Result<void> write_file_atomically(const std::string& path, std::string_view content, mode_t mode) {
  SF_TRY_ASSIGN(Found found, look_at(path, false));
  if (found.kind != Kind::regular && found.kind != Kind::missing) {
    return fail(refusal(path, kind_words(found.kind), kAtomicAdvice));
  }
  return replace_atomically(path, content, mode, found);
}

Result<void> write_files_atomically(const std::vector<FileWrite>& files) {
  std::vector<Found> found;
  for (const FileWrite& f : files) {
    SF_TRY_ASSIGN(Found at, look_at(f.path, false));
    if (at.kind != Kind::regular && at.kind != Kind::missing) {
      return fail(refusal(f.path, kind_words(at.kind), kAtomicAdvice));
    }
    found.push_back(at);
  }
  std::vector<Staged> staged;
  auto discard_from = [&](size_t first) {
    for (size_t i = first; i < staged.size(); ++i) ::unlink(staged[i].tmp.c_str());
  };
  for (size_t i = 0; i < files.size(); ++i) {
    auto s = stage(files[i].path, files[i].content, files[i].mode, found[i]);
    if (!s) {
      discard_from(0);
      return fail(s.error());
    }
    staged.push_back(std::move(*s));
  }
  std::string replaced;
  for (size_t i = 0; i < staged.size(); ++i) {
    if (auto installed = install(staged[i]); !installed) {
      discard_from(i + 1);
      return fail(installed.error().message +
                  (replaced.empty() ? std::string() : " (already written: " + replaced + ")"));
    }
    replaced += (replaced.empty() ? "" : ", ") + staged[i].path;
  }
  return {};
}

Result<WrittenTo> write_output_file(const std::string& path, std::string_view content, mode_t mode) {
  if (path == "-") {
    std::cout << content << std::flush;
    if (!std::cout) return fail("cannot write to standard output");
    return WrittenTo::standard_output;
  }
  auto straight = [&](bool through_symlink) -> Result<WrittenTo> {
    SF_TRY(write_straight(path, content, through_symlink));
    return WrittenTo::device_or_fifo;
  };
  SF_TRY_ASSIGN(Found found, look_at(path, false));
  switch (found.kind) {
    case Kind::missing:
    case Kind::regular:
      SF_TRY(replace_atomically(path, content, mode, found));
      return WrittenTo::file;
    case Kind::char_device:
    case Kind::fifo:
      return straight(false);
    case Kind::symlink: {
      SF_TRY_ASSIGN(Found target, look_at(path, true));
      if (target.kind == Kind::char_device || target.kind == Kind::fifo) return straight(true);
      if (target.kind == Kind::missing) {
        return fail(refusal(path, "a symlink to " + resolved(path) + ", which does not exist",
                            "name the file itself, or - for standard output"));
      }
      if (target.kind == Kind::regular) {
        // Replacing the file whole would replace the link, and writing
        // through it in place could be torn: let the user name the file.
        return fail(refusal(path, "a symlink to the regular file " + resolved(path),
                            "files are replaced whole, which would replace the link: name the file itself, "
                            "or - for standard output"));
      }
      return fail(refusal(path, "a symlink to " + resolved(path) + ", " + kind_words(target.kind), kOutputAdvice));
    }
    case Kind::directory:
    case Kind::block_device:
    case Kind::socket:
    case Kind::other:
      break;
  }
  return fail(refusal(path, kind_words(found.kind), kOutputAdvice));
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + path + ": " + std::strerror(errno), ErrorKind::not_found);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string utc_now_rfc3339() { return rfc3339_utc(std::time(nullptr)); }

std::string rfc3339_utc(int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return std::to_string(unix_seconds);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace swarmform
