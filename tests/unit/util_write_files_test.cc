// Several files written as one change (import's host edits and new
// entries): when any of them cannot be written, none is, and no temporary
// file is left; when all can, each is replaced with its mode.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "reconciler/util/file.h"
#include "support/process.h"

namespace swarmform {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::TempDir;
using testing::write_file;

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) out.push_back(fs::relative(e.path(), dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(WriteFiles, AllAreReplacedWithTheirModes) {
  TempDir dir;
  write_file(dir / "a.yaml", "old a\n");
  ASSERT_EQ(::chmod((dir / "a.yaml").c_str(), 0640), 0);
  auto r = write_files_atomically({{dir / "a.yaml", "new a\n", 0640}, {dir / "b.yaml", "new b\n", 0644}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(read_text(dir / "a.yaml"), "new a\n");
  EXPECT_EQ(read_text(dir / "b.yaml"), "new b\n");
  struct stat st {};
  ASSERT_EQ(::stat((dir / "a.yaml").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"a.yaml", "b.yaml"}));
}

TEST(WriteFiles, OneThatCannotBeWrittenLeavesEveryFileAsItWas) {
  TempDir dir;
  write_file(dir / "a.yaml", "old a\n");
  fs::create_directory(dir / "folder");
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  fs::create_symlink(dir / "a.yaml", dir / "link.yaml");
  const auto before = entries(dir.path());

  // The second file is refused (a directory, a FIFO, a symlink) or cannot
  // be created (its folder is missing): the first stays as it was.
  for (const std::string& second : {dir / "folder", dir / "fifo", dir / "link.yaml", dir / "missing/b.yaml"}) {
    auto r = write_files_atomically({{dir / "a.yaml", "new a\n", 0644}, {second, "new b\n", 0644}});
    ASSERT_FALSE(r) << second;
    EXPECT_NE(r.error().message.find(second), std::string::npos) << r.error().message;
    EXPECT_EQ(read_text(dir / "a.yaml"), "old a\n") << second;
    EXPECT_EQ(entries(dir.path()), before) << second;
  }
}

}  // namespace
}  // namespace swarmform
