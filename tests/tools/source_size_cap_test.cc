// The cap on the desired state's total size: a folder or a commit whose
// desired-state files add up past model::kMaxSourceTotalBytes is refused
// while it is read, naming the limit and the file that crossed it.  Files
// are sparse (truncated, not written), so the test reads zeros fast.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "reconciler/source/directory_source.h"
#include "reconciler/source/git_source.h"
#include "support/git_repo.h"
#include "support/process.h"

namespace swarmform::source {
namespace {

namespace fs = std::filesystem;
using swarmform::testing::git_commit_all;
using swarmform::testing::git_init;
using swarmform::testing::TempDir;
using swarmform::testing::write_file;

/// Fills `dir` with eight files at the per-file limit (a.yaml .. h.yaml),
/// together exactly the total limit.
void fill_to_the_limit(const std::string& dir) {
  static_assert(model::kMaxSourceTotalBytes == 8 * model::kMaxSourceFileBytes);
  fs::create_directories(dir);
  for (char c = 'a'; c <= 'h'; ++c) {
    const std::string path = dir + "/" + std::string(1, c) + ".yaml";
    write_file(path, "");
    fs::resize_file(path, model::kMaxSourceFileBytes);
  }
}

TEST(SourceSizeCap, AFolderAtTheLimitIsRead) {
  TempDir dir("sf-cap");
  fill_to_the_limit(dir.path());
  auto files = read_directory(dir.path());
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ(files->size(), 8u);
}

TEST(SourceSizeCap, AFolderPastTheLimitIsRefusedAtTheFileThatCrossedIt) {
  TempDir dir("sf-cap");
  fill_to_the_limit(dir.path());
  write_file(dir / "z.yaml", "services: {}\n");  // small, but one byte is too many now
  write_file(dir / "notes.txt", "not desired state, not counted\n");
  auto files = read_directory(dir.path());
  ASSERT_FALSE(files) << "read " << files->size() << " files";
  const std::string& message = files.error().message;
  EXPECT_TRUE(message.starts_with(dir / "z.yaml: ")) << message;
  EXPECT_NE(message.find("larger than 64 MiB, the limit for all its files together"),
            std::string::npos)
      << message;
}

TEST(SourceSizeCap, ACommitPastTheLimitIsRefusedAtTheFileThatCrossedIt) {
  TempDir repo("sf-cap-git");
  git_init(repo.path());
  fill_to_the_limit(repo / "state");
  write_file(repo / "state/z.yaml", "services: {}\n");
  const std::string sha = git_commit_all(repo.path(), "too much");
  auto snapshot = read_git_ref(repo / "state", "HEAD");
  ASSERT_FALSE(snapshot) << "read " << snapshot->files.size() << " files";
  const std::string& message = snapshot.error().message;
  EXPECT_TRUE(message.starts_with(sha.substr(0, 7) + ":state/z.yaml: ")) << message;
  EXPECT_NE(message.find("64 MiB"), std::string::npos) << message;

  // One file fewer: the commit is read.
  fs::remove(repo / "state/z.yaml");
  git_commit_all(repo.path(), "at the limit");
  auto fits = read_git_ref(repo / "state", "HEAD");
  ASSERT_TRUE(fits) << fits.error().message;
  EXPECT_EQ(fits->files.size(), 8u);
}

}  // namespace
}  // namespace swarmform::source
