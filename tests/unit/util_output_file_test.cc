// Output files (`plan --out`, `drift --metrics-file`): a regular file or a
// new path is replaced atomically with the mode asked for; a device, a FIFO
// and "-" are written straight and stay what they are; anything else is
// refused with the path and what it is, and left as it was.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "reconciler/util/file.h"
#include "support/fifo_reader.h"
#include "support/process.h"

namespace swarmform {
namespace {

namespace fs = std::filesystem;
using testing::FifoReader;
using testing::read_text;
using testing::TempDir;
using testing::write_file;

/// lstat's file type and permission bits of `path`.
struct Stat {
  mode_t type = 0;
  mode_t perms = 0;
};
Stat lstat_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return {static_cast<mode_t>(st.st_mode & S_IFMT), static_cast<mode_t>(st.st_mode & 07777)};
}

/// The names in `dir`: no temporary file may be left behind.
std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

/// Sets the umask for a scope: the modes asked for must not depend on it.
class Umask {
 public:
  explicit Umask(mode_t mask) : old_(::umask(mask)) {}
  ~Umask() { ::umask(old_); }
  Umask(const Umask&) = delete;
  Umask& operator=(const Umask&) = delete;

 private:
  mode_t old_;
};

TEST(OutputFile, ARegularFileIsReplacedWholeWithTheModeAskedFor) {
  TempDir dir("sf-out");
  const std::string path = dir / "saved.plan";
  write_file(path, "an older, longer plan that must not survive in part\n");
  ::chmod(path.c_str(), 0644);
  auto written = write_output_file(path, "{\"plan\": 1}\n", kPrivateFileMode);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(*written, WrittenTo::file);
  EXPECT_EQ(read_text(path), "{\"plan\": 1}\n");
  EXPECT_EQ(lstat_of(path).type, S_IFREG);
  EXPECT_EQ(lstat_of(path).perms, 0600u);
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"saved.plan"});
}

TEST(OutputFile, AMissingPathIsCreatedWithTheModeWhateverTheUmask) {
  TempDir dir("sf-out");
  Umask strict(077);
  const std::string path = dir / "swarmform.prom";
  auto written = write_output_file(path, "swarmform_drift_status 0\n", kReadableFileMode);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(read_text(path), "swarmform_drift_status 0\n");
  EXPECT_EQ(lstat_of(path).perms, 0644u);  // node_exporter's collector runs as another user
  Umask open(0);
  ASSERT_TRUE(write_output_file(dir / "other.plan", "{}", kPrivateFileMode));
  EXPECT_EQ(lstat_of(dir / "other.plan").perms, 0600u);
  EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"other.plan", "swarmform.prom"}));
}

TEST(OutputFile, AFifoIsWrittenStraightToItsReaderAndStaysAFifo) {
  TempDir dir("sf-out");
  const std::string path = dir / "pipe";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  // The reader: what `swarmform plan --out >(consumer)` or a log shipper does.
  FifoReader reader(path);
  auto written = write_output_file(path, "through the pipe\n", kPrivateFileMode);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(*written, WrittenTo::device_or_fifo);
  EXPECT_EQ(reader.read_all(), "through the pipe\n");
  EXPECT_EQ(lstat_of(path).type, S_IFIFO);
  EXPECT_EQ(lstat_of(path).perms, 0600u);  // not chmod'ed either
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"pipe"});
}

TEST(OutputFile, ASymlinkToAFifoIsWrittenThroughLikeDevStdout) {
  TempDir dir("sf-out");
  const std::string fifo = dir / "pipe";
  const std::string link = dir / "stdout";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ASSERT_EQ(::symlink(fifo.c_str(), link.c_str()), 0);
  FifoReader reader(fifo);
  auto written = write_output_file(link, "via the link\n", kPrivateFileMode);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(reader.read_all(), "via the link\n");
  EXPECT_EQ(lstat_of(link).type, S_IFLNK);
  EXPECT_EQ(lstat_of(fifo).type, S_IFIFO);
}

TEST(OutputFile, ACharacterDeviceIsWrittenStraightAndStaysADevice) {
  if (::geteuid() != 0) GTEST_SKIP() << "mknod of a device node needs root";
  TempDir dir("sf-out");
  // A node of /dev/null's device, so the test can fail without harming /dev.
  const std::string path = dir / "null";
  ASSERT_EQ(::mknod(path.c_str(), S_IFCHR | 0666, makedev(1, 3)), 0) << std::strerror(errno);
  const mode_t perms = lstat_of(path).perms;
  auto written = write_output_file(path, "gone\n", kPrivateFileMode);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(*written, WrittenTo::device_or_fifo);
  EXPECT_EQ(lstat_of(path).type, S_IFCHR);
  EXPECT_EQ(lstat_of(path).perms, perms);  // not chmod'ed
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"null"});
}

TEST(OutputFile, DashIsStandardOutput) {
  TempDir dir("sf-out");
  std::ostringstream captured;
  std::streambuf* old = std::cout.rdbuf(captured.rdbuf());
  auto written = write_output_file("-", "{\"plan\": 2}\n", kPrivateFileMode);
  std::cout.rdbuf(old);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(*written, WrittenTo::standard_output);
  EXPECT_EQ(captured.str(), "{\"plan\": 2}\n");
  EXPECT_FALSE(fs::exists("-"));
}

/// Asserts that writing to `path` is refused with a message naming the path
/// and `what`, and that nothing was added beside it.
void expect_refused(const std::string& dir, const std::string& path, const std::string& what) {
  const auto before = entries(dir);
  auto written = write_output_file(path, "must not land\n", kPrivateFileMode);
  ASSERT_FALSE(written) << path << " was written";
  const std::string& message = written.error().message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find(what), std::string::npos) << message;
  EXPECT_NE(message.find("- for standard output"), std::string::npos) << message;  // what to do instead
  EXPECT_EQ(entries(dir), before);
}

TEST(OutputFile, ADirectoryIsRefused) {
  TempDir dir("sf-out");
  fs::create_directory(dir / "plans");
  expect_refused(dir.path(), dir / "plans", "it is a directory");
  EXPECT_TRUE(fs::is_directory(dir / "plans"));
  EXPECT_TRUE(fs::is_empty(dir / "plans"));
}

TEST(OutputFile, ASocketIsRefused) {
  TempDir dir("sf-out");
  const std::string path = dir / "sock";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof addr.sun_path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  expect_refused(dir.path(), path, "it is a socket");
  EXPECT_EQ(lstat_of(path).type, S_IFSOCK);
  ::close(fd);
}

TEST(OutputFile, ASymlinkToARegularFileIsRefusedAndBothStay) {
  TempDir dir("sf-out");
  const std::string target = dir / "real.plan";
  const std::string link = dir / "current.plan";
  write_file(target, "reviewed\n");
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  expect_refused(dir.path(), link, "a symlink to the regular file " + target);
  EXPECT_EQ(lstat_of(link).type, S_IFLNK);
  EXPECT_EQ(read_text(target), "reviewed\n");
}

TEST(OutputFile, ADanglingSymlinkIsRefused) {
  TempDir dir("sf-out");
  const std::string link = dir / "dangling";
  ASSERT_EQ(::symlink((dir / "nowhere").c_str(), link.c_str()), 0);
  expect_refused(dir.path(), link, "which does not exist");
  EXPECT_EQ(lstat_of(link).type, S_IFLNK);
  EXPECT_FALSE(fs::exists(dir / "nowhere"));
}

TEST(OutputFile, ASymlinkToADirectoryIsRefused) {
  TempDir dir("sf-out");
  fs::create_directory(dir / "plans");
  const std::string link = dir / "latest";
  ASSERT_EQ(::symlink((dir / "plans").c_str(), link.c_str()), 0);
  expect_refused(dir.path(), link, "a directory");
  EXPECT_EQ(lstat_of(link).type, S_IFLNK);
}

TEST(OutputFile, AtomicWritesReplaceOnlyRegularFiles) {
  TempDir dir("sf-out");
  const std::string fifo = dir / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto written = write_file_atomically(fifo, "x", kReadableFileMode);
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message.find(fifo + ": it is a FIFO"), std::string::npos) << written.error().message;
  EXPECT_EQ(lstat_of(fifo).type, S_IFIFO);
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"pipe"});
}

TEST(OutputFile, AMissingFolderIsAnErrorNamingThePath) {
  TempDir dir("sf-out");
  const std::string path = dir / "missing/saved.plan";
  auto written = write_output_file(path, "x", kPrivateFileMode);
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message.find(path), std::string::npos) << written.error().message;
}

}  // namespace
}  // namespace swarmform
