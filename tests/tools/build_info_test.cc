// `swarmform --version`: the version and the commit the binary was built
// from.  The commit is found at build time by cmake/BuildCommit.cmake, run
// here on real repositories made with git (a clean tree, a changed file, a
// file only touched, no repository, a folder inside someone else's
// repository), and the built binary names the source tree's HEAD.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <regex>
#include <string>

#include "support/git_repo.h"
#include "support/process.h"

namespace swarmform {
namespace {

using testing::git_commit_all;
using testing::git_init;
using testing::read_text;
using testing::run_command;
using testing::run_swarmform;
using testing::shell_quote;
using testing::TempDir;
using testing::write_file;

/// Runs cmake/BuildCommit.cmake on `source` and returns the commit the
/// header it writes defines ("" when the header is not as expected).
std::string commit_of(const std::string& source, const std::string& out_dir) {
  const std::string header = out_dir + "/build_commit.h";
  int status = -1;
  const std::string output = run_command("cmake -DSOURCE_DIR=" + shell_quote(source) + " -DOUTPUT=" +
                                             shell_quote(header) + " -P " +
                                             shell_quote(SWARMFORM_SOURCE_DIR "/cmake/BuildCommit.cmake") + " 2>&1",
                                         &status);
  EXPECT_EQ(status, 0) << output;
  std::smatch m;
  const std::string text = read_text(header);
  static const std::regex define(R"re(#define SWARMFORM_COMMIT "([^"]*)")re");
  if (!std::regex_search(text, m, define)) {
    ADD_FAILURE() << "no SWARMFORM_COMMIT in: " << text;
    return "";
  }
  return m[1];
}

TEST(BuildCommit, ACleanTreeIsItsShortCommit) {
  TempDir repo("sf-commit");
  git_init(repo.path());
  write_file(repo / "a.txt", "one\n");
  const std::string sha = git_commit_all(repo.path(), "one");
  TempDir out("sf-commit-out");
  EXPECT_EQ(commit_of(repo.path(), out.path()), sha.substr(0, 7));
}

TEST(BuildCommit, AChangedTrackedFileIsDirtyAndATouchedOneIsNot) {
  TempDir repo("sf-commit");
  git_init(repo.path());
  write_file(repo / "a.txt", "one\n");
  const std::string sha = git_commit_all(repo.path(), "one");
  TempDir out("sf-commit-out");
  // Same bytes, newer mtime: not a change.
  write_file(repo / "a.txt", "one\n");
  EXPECT_EQ(commit_of(repo.path(), out.path()), sha.substr(0, 7));
  // An untracked file is not a change either (git describe --dirty).
  write_file(repo / "untracked.txt", "x\n");
  EXPECT_EQ(commit_of(repo.path(), out.path()), sha.substr(0, 7));
  write_file(repo / "a.txt", "two\n");
  EXPECT_EQ(commit_of(repo.path(), out.path()), sha.substr(0, 7) + "-dirty");
  // Committed: clean again, at the new commit.
  const std::string second = git_commit_all(repo.path(), "two");
  EXPECT_EQ(commit_of(repo.path(), out.path()), second.substr(0, 7));
}

TEST(BuildCommit, OutsideGitItIsUnknown) {
  TempDir tree("sf-commit");
  write_file(tree / "a.txt", "one\n");
  TempDir out("sf-commit-out");
  EXPECT_EQ(commit_of(tree.path(), out.path()), "unknown");
}

TEST(BuildCommit, AFolderInsideAnotherRepositoryIsUnknown) {
  // A release tarball unpacked inside some other project's checkout: that
  // project's commit is not the one swarmform was built from.
  TempDir repo("sf-commit");
  git_init(repo.path());
  write_file(repo / "swarmform/CMakeLists.txt", "\n");
  git_commit_all(repo.path(), "vendored");
  TempDir out("sf-commit-out");
  EXPECT_EQ(commit_of(repo / "swarmform", out.path()), "unknown");
}

TEST(BuildCommit, TheHeaderIsRewrittenOnlyWhenTheCommitChanges) {
  // Its mtime is what makes the build recompile build_info.cc: the same
  // commit must leave it alone (a no-op build stays a no-op).
  TempDir repo("sf-commit");
  git_init(repo.path());
  write_file(repo / "a.txt", "one\n");
  git_commit_all(repo.path(), "one");
  TempDir out("sf-commit-out");
  commit_of(repo.path(), out.path());
  const std::string header = out / "build_commit.h";
  run_command("touch -d '2001-01-01 00:00:00' " + shell_quote(header));
  struct stat before {};
  ASSERT_EQ(::stat(header.c_str(), &before), 0);
  commit_of(repo.path(), out.path());
  struct stat after {};
  ASSERT_EQ(::stat(header.c_str(), &after), 0);
  EXPECT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
  write_file(repo / "a.txt", "two\n");
  git_commit_all(repo.path(), "two");
  commit_of(repo.path(), out.path());
  ASSERT_EQ(::stat(header.c_str(), &after), 0);
  EXPECT_GT(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
}

TEST(Version, NamesTheVersionAndTheSourceTreesCommit) {
  auto r = run_swarmform({"--version"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  static const std::regex line(R"(swarmform ([0-9]+\.[0-9]+\.[0-9]+) \(commit ([0-9a-f]{7}(-dirty)?|unknown)\)\n)");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(r.out, m, line)) << r.out;
  EXPECT_EQ(m[1], SWARMFORM_VERSION);
  // Built from this checkout (the test command builds before it tests): its HEAD.
  int status = -1;
  const std::string head =
      run_command("git -C " + shell_quote(SWARMFORM_SOURCE_DIR) + " rev-parse --short=7 HEAD 2>/dev/null", &status);
  if (status != 0) GTEST_SKIP() << "the source tree is not a git checkout: " << r.out;
  EXPECT_EQ(m[2].str().substr(0, 7), head.substr(0, 7)) << r.out;
}

}  // namespace
}  // namespace swarmform
