// The git source against real repositories made with git's CLI: reading a
// commit's desired-state files, the working tree's state, and mirrors of
// local and file:// remotes.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>

#include "reconciler/source/git_source.h"
#include "reconciler/source/git_url.h"
#include "support/git_repo.h"
#include "support/process.h"

namespace swarmform::source {
namespace {

namespace fs = std::filesystem;
using swarmform::testing::git;
using swarmform::testing::git_commit_all;
using swarmform::testing::git_init;
using swarmform::testing::shell_quote;
using swarmform::testing::TempDir;
using swarmform::testing::write_file;

std::string names(const GitSnapshot& s) {
  std::string out;
  for (const auto& f : s.files) out += f.name + "\n";
  return out;
}

std::string content_of(const GitSnapshot& s, const std::string& name) {
  for (const auto& f : s.files) {
    if (f.name == name) return f.content;
  }
  ADD_FAILURE() << name << " not in the snapshot:\n" << names(s);
  return "";
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += i + "\n";
  return out;
}

/// A repository with two commits: the first holds cluster.yaml "v: 1", the
/// second (HEAD, main) "v: 2", beside files that must never be read.
class GitSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    git_init(repo);
    write_file(kvm + "/cluster.yaml", "v: 1\n");
    write_file(kvm + "/web.yml", "web: 1\n");
    write_file(kvm + "/.hidden.yaml", "hidden: 1\n");
    write_file(kvm + "/notes.txt", "not yaml\n");
    write_file(kvm + "/sub/deep.yaml", "deep: 1\n");
    write_file(repo + "/root.yaml", "root: 1\n");
    first = git_commit_all(repo, "first");
    write_file(kvm + "/cluster.yaml", "v: 2\n");
    second = git_commit_all(repo, "second state\n\nbody line");
  }

  TempDir tmp{"sf-git"};
  std::string repo = tmp / "repo";
  std::string kvm = repo + "/examples/kvm";
  std::string first;
  std::string second;
};

std::string short_sha(const std::string& sha) { return sha.substr(0, 7); }

TEST_F(GitSourceTest, ReadsTheFolderAtHead) {
  auto s = read_git_ref(kvm, "HEAD");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->commit, second);
  EXPECT_EQ(s->ref, "HEAD");
  EXPECT_EQ(s->summary, "second state");
  const std::string p = short_sha(second) + ":examples/kvm/";
  EXPECT_EQ(names(*s), p + "cluster.yaml\n" + p + "web.yml\n");
  EXPECT_EQ(content_of(*s, p + "cluster.yaml"), "v: 2\n");
}

TEST_F(GitSourceTest, ReadsAnEarlierCommitABranchTagsAndAShortSha) {
  git(repo, "branch staging " + first);
  git(repo, "tag v1 " + first);
  git(repo, "tag -a v1-annotated -m release " + first);
  for (const std::string& ref :
       std::vector<std::string>{"HEAD~1", "staging", "v1", "v1-annotated", first.substr(0, 9)}) {
    auto s = read_git_ref(kvm, ref);
    ASSERT_TRUE(s.has_value()) << ref << ": " << s.error().message;
    EXPECT_EQ(s->commit, first) << ref;
    EXPECT_EQ(s->ref, ref);
    EXPECT_EQ(content_of(*s, short_sha(first) + ":examples/kvm/cluster.yaml"), "v: 1\n") << ref;
  }
}

TEST_F(GitSourceTest, ReadsTheRepositoryRootWithoutAFolderPrefix) {
  auto s = read_git_ref(repo, "main");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(names(*s), short_sha(second) + ":root.yaml\n");
}

TEST_F(GitSourceTest, ReadsTheCommitNotTheWorkingTree) {
  write_file(kvm + "/cluster.yaml", "v: edited\n");
  write_file(kvm + "/new.yaml", "new: 1\n");
  fs::remove(kvm + "/web.yml");
  auto s = read_git_ref(kvm, "HEAD");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  const std::string p = short_sha(second) + ":examples/kvm/";
  EXPECT_EQ(names(*s), p + "cluster.yaml\n" + p + "web.yml\n");
  EXPECT_EQ(content_of(*s, p + "cluster.yaml"), "v: 2\n");
}

TEST_F(GitSourceTest, ReadsABareCloneDirectly) {
  const std::string bare = tmp / "bare.git";
  git(tmp.path(), "clone -q --bare " + shell_quote(repo) + " " + shell_quote(bare));
  auto root = read_git_ref(bare, "main");
  ASSERT_TRUE(root.has_value()) << root.error().message;
  EXPECT_EQ(names(*root), short_sha(second) + ":root.yaml\n");

  auto s = read_git_ref_at(bare, "./examples/kvm/", "HEAD~1");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(content_of(*s, short_sha(first) + ":examples/kvm/cluster.yaml"), "v: 1\n");
}

TEST_F(GitSourceTest, UnknownRefIsNamedWithWhatToDo) {
  auto s = read_git_ref(kvm, "mian");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().kind, ErrorKind::not_found);
  EXPECT_EQ(s.error().message, "unknown ref 'mian' in " + fs::canonical(repo).string() +
                                   ": git branch -a / git tag list what exists");
}

TEST_F(GitSourceTest, FolderMissingAtTheRefIsNamed) {
  write_file(repo + "/later/a.yaml", "a: 1\n");
  git_commit_all(repo, "third");
  auto s = read_git_ref(repo + "/later", "HEAD~1");
  ASSERT_FALSE(s.has_value());
  // Its own kind: plan --base reads it as "the branch adds the folder".
  EXPECT_EQ(s.error().kind, ErrorKind::absent_at_commit);
  EXPECT_TRUE(
      s.error().message.starts_with("later does not exist at HEAD~1 (" + short_sha(second) + ")"))
      << s.error().message;
}

TEST_F(GitSourceTest, FileMissingAtTheCommitIsNamed) {
  auto file = read_git_file(repo, first, "examples/kvm/./known_hosts");
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().kind, ErrorKind::absent_at_commit);
  EXPECT_EQ(file.error().message, "examples/kvm/known_hosts does not exist at " + short_sha(first));
  auto present = read_git_file(repo, first, "examples/kvm/cluster.yaml");
  ASSERT_TRUE(present.has_value()) << present.error().message;
  EXPECT_EQ(*present, "v: 1\n");
}

TEST_F(GitSourceTest, RefNamingAFileIsNotACommit) {
  auto s = read_git_ref(kvm, "HEAD:root.yaml");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("'HEAD:root.yaml'"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("names a blob, not a commit"), std::string::npos)
      << s.error().message;
}

TEST_F(GitSourceTest, FolderOutsideTheRepositoryIsRefused) {
  auto s = read_git_ref_at(repo, "../elsewhere", "HEAD");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("outside the repository"), std::string::npos)
      << s.error().message;
}

TEST_F(GitSourceTest, OversizedFileIsCutOneBytePastTheLimit) {
  {
    std::ofstream out(kvm + "/big.yaml", std::ios::binary);
    out << std::string(model::kMaxSourceFileBytes + 100, 'x');
  }
  const std::string third = git_commit_all(repo, "big");
  auto s = read_git_ref(kvm, "HEAD");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(content_of(*s, short_sha(third) + ":examples/kvm/big.yaml").size(),
            model::kMaxSourceFileBytes + 1);
}

TEST(GitSource, NotARepositoryIsAnError) {
  TempDir tmp("sf-git-none");
  auto s = read_git_ref(tmp.path(), "HEAD");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().kind, ErrorKind::not_found);
  EXPECT_TRUE(s.error().message.starts_with(tmp.path() + " is not in a git repository"))
      << s.error().message;
}

TEST(GitSource, RepositoryWithoutACommitSaysSo) {
  TempDir tmp("sf-git-unborn");
  git_init(tmp.path());
  auto s = read_git_ref(tmp.path(), "HEAD");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("has no commit yet"), std::string::npos) << s.error().message;
}

// ---- working_tree_state ----

TEST_F(GitSourceTest, CleanWorkingTree) {
  auto st = working_tree_state(kvm);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_TRUE(st->in_repository);
  EXPECT_EQ(st->commit, second);
  EXPECT_FALSE(st->dirty()) << joined(st->uncommitted);
}

TEST_F(GitSourceTest, ModifiedStagedUntrackedAndDeletedFilesAreUncommitted) {
  write_file(kvm + "/cluster.yaml", "v: edited\n");  // modified
  write_file(kvm + "/staged.yaml", "s: 1\n");        // new, staged
  git(repo, "add examples/kvm/staged.yaml");
  write_file(kvm + "/untracked.yml", "u: 1\n");  // new, untracked
  fs::remove(kvm + "/web.yml");                  // deleted
  write_file(kvm + "/readme.txt", "not desired state\n");
  write_file(kvm + "/sub/deep.yaml", "deep: edited\n");  // a subfolder's file
  write_file(repo + "/root.yaml", "root: edited\n");     // another folder's file
  auto st = working_tree_state(kvm);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_EQ(joined(st->uncommitted), kvm + "/cluster.yaml\n" + kvm + "/staged.yaml\n" + kvm +
                                         "/untracked.yml\n" + kvm + "/web.yml\n");
}

TEST_F(GitSourceTest, StagedChangeCountsEvenWhenTheWorkTreeMatches) {
  write_file(kvm + "/cluster.yaml", "v: staged\n");
  git(repo, "add examples/kvm/cluster.yaml");
  auto st = working_tree_state(kvm);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_EQ(joined(st->uncommitted), kvm + "/cluster.yaml\n");
}

TEST_F(GitSourceTest, IgnoredDesiredStateFilesCountSinceTheyAreRead) {
  // The folder is read whole: an ignored local.yaml would be applied,
  // although no commit holds it.  Ignored files that are not YAML do not count.
  write_file(kvm + "/.gitignore", "local.yaml\nnotes.txt\n");
  git_commit_all(repo, "ignore local.yaml");
  write_file(kvm + "/notes.txt", "n\n");
  auto clean = working_tree_state(kvm);
  ASSERT_TRUE(clean.has_value()) << clean.error().message;
  EXPECT_FALSE(clean->dirty()) << joined(clean->uncommitted);
  write_file(kvm + "/local.yaml", "l: 1\n");
  auto st = working_tree_state(kvm);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_EQ(joined(st->uncommitted), kvm + "/local.yaml\n");
}

TEST_F(GitSourceTest, FilesOfAWhollyNewFolderCount) {
  const std::string fresh = repo + "/examples/fresh";
  write_file(fresh + "/a.yaml", "a: 1\n");
  auto st = working_tree_state(fresh);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_EQ(joined(st->uncommitted), fresh + "/a.yaml\n");
}

TEST_F(GitSourceTest, RootFolderCountsOnlyItsOwnFiles) {
  write_file(repo + "/root.yaml", "root: edited\n");
  write_file(kvm + "/cluster.yaml", "v: edited\n");
  auto st = working_tree_state(repo);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_EQ(joined(st->uncommitted), repo + "/root.yaml\n");
}

TEST(GitSource, WorkingTreeStateOutsideARepositoryIsNotAnError) {
  TempDir tmp("sf-git-none");
  write_file(tmp / "a.yaml", "a: 1\n");
  auto st = working_tree_state(tmp.path());
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_FALSE(st->in_repository);
  EXPECT_FALSE(st->dirty());
}

TEST(GitSource, WorkingTreeStateWithoutACommit) {
  TempDir tmp("sf-git-unborn");
  git_init(tmp.path());
  write_file(tmp / "a.yaml", "a: 1\n");
  auto st = working_tree_state(tmp.path());
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_TRUE(st->in_repository);
  EXPECT_EQ(st->commit, "");
  EXPECT_EQ(joined(st->uncommitted), tmp.path() + "/a.yaml\n");
}

// ---- sync_remote / read_remote_ref ----

class GitRemoteTest : public GitSourceTest {
 protected:
  std::string cache = tmp / "cache";
};

TEST_F(GitRemoteTest, MirrorFollowsNewCommitsTagsAndDeletedBranches) {
  git(repo, "branch feature");
  auto mirror = sync_remote(repo, cache, {});
  ASSERT_TRUE(mirror.has_value()) << mirror.error().message;
  EXPECT_TRUE(mirror->starts_with(cache + "/")) << *mirror;

  auto main1 = read_remote_ref(*mirror, "examples/kvm", "main");
  ASSERT_TRUE(main1.has_value()) << main1.error().message;
  EXPECT_EQ(main1->commit, second);
  EXPECT_EQ(main1->ref, "main");
  ASSERT_TRUE(read_remote_ref(*mirror, "examples/kvm", "feature").has_value());

  write_file(kvm + "/cluster.yaml", "v: 3\n");
  const std::string third = git_commit_all(repo, "third");
  git(repo, "tag -a v3 -m release");
  git(repo, "branch -D feature");

  auto again = sync_remote(repo, cache, {});
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(*again, *mirror);
  auto main2 = read_remote_ref(*mirror, "examples/kvm", "main");
  ASSERT_TRUE(main2.has_value()) << main2.error().message;
  EXPECT_EQ(main2->commit, third);
  EXPECT_EQ(content_of(*main2, short_sha(third) + ":examples/kvm/cluster.yaml"), "v: 3\n");
  auto head = read_remote_ref(*mirror, "examples/kvm", "HEAD");
  ASSERT_TRUE(head.has_value()) << head.error().message;
  EXPECT_EQ(head->commit, third);
  auto tag = read_remote_ref(*mirror, "examples/kvm", "v3");
  ASSERT_TRUE(tag.has_value()) << tag.error().message;
  EXPECT_EQ(tag->commit, third);
  auto gone = read_remote_ref(*mirror, "examples/kvm", "feature");
  ASSERT_FALSE(gone.has_value());
  EXPECT_NE(gone.error().message.find("unknown ref 'feature' in the mirror of " + repo),
            std::string::npos)
      << gone.error().message;
}

TEST_F(GitRemoteTest, FileUrlMirrorReadsTheRemotesHeadAndEarlierCommits) {
  auto mirror = sync_remote("file://" + repo, cache, {});
  ASSERT_TRUE(mirror.has_value()) << mirror.error().message;
  auto head = read_remote_ref(*mirror, ".", "HEAD");
  ASSERT_TRUE(head.has_value()) << head.error().message;
  EXPECT_EQ(head->commit, second);
  EXPECT_EQ(names(*head), short_sha(second) + ":root.yaml\n");
  auto earlier = read_remote_ref(*mirror, "examples/kvm", "main~1");
  ASSERT_TRUE(earlier.has_value()) << earlier.error().message;
  EXPECT_EQ(content_of(*earlier, short_sha(first) + ":examples/kvm/cluster.yaml"), "v: 1\n");
}

TEST_F(GitRemoteTest, DistinctUrlsGetDistinctMirrors) {
  auto by_path = sync_remote(repo, cache, {});
  auto by_url = sync_remote("file://" + repo, cache, {});
  ASSERT_TRUE(by_path.has_value()) << by_path.error().message;
  ASSERT_TRUE(by_url.has_value()) << by_url.error().message;
  EXPECT_NE(*by_path, *by_url);
}

TEST_F(GitRemoteTest, SyncWaitsForAnotherSyncOfTheSameMirror) {
  auto mirror = sync_remote(repo, cache, {});
  ASSERT_TRUE(mirror.has_value()) << mirror.error().message;
  // Another process's lock, as far as flock is concerned: a separate open
  // file description.
  const int held = ::open((*mirror + ".lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(held, 0);
  ASSERT_EQ(::flock(held, LOCK_EX), 0);
  auto waiting = std::async(std::launch::async, [&] { return sync_remote(repo, cache, {}); });
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(500)), std::future_status::timeout);
  ::flock(held, LOCK_UN);
  ::close(held);
  ASSERT_EQ(waiting.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  auto again = waiting.get();
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(*again, *mirror);
}

TEST_F(GitRemoteTest, MissingRemoteNamesTheUrl) {
  const std::string missing = tmp / "no-such-repo";
  auto mirror = sync_remote(missing, cache, {});
  ASSERT_FALSE(mirror.has_value());
  EXPECT_TRUE(mirror.error().message.starts_with("cannot sync " + missing))
      << mirror.error().message;
}

TEST_F(GitRemoteTest, ClosedSshPortIsUnreachable) {
  auto mirror = sync_remote("ssh://git@127.0.0.1:1/state.git", cache, {});
  ASSERT_FALSE(mirror.has_value());
  EXPECT_EQ(mirror.error().kind, ErrorKind::refused);
  EXPECT_NE(mirror.error().message.find("127.0.0.1:1 is unreachable"), std::string::npos)
      << mirror.error().message;
}

TEST(GitUrl, FindsHostAndPortOfSshUrls) {
  auto url = git::parse_remote_endpoint("ssh://deploy@git.example.org:2222/srv/state.git");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->user, "deploy");
  EXPECT_EQ(url->host, "git.example.org");
  EXPECT_EQ(url->port, 2222);
  auto scp = git::parse_remote_endpoint("git@github.com:acme/state.git");
  ASSERT_TRUE(scp.has_value());
  EXPECT_EQ(scp->host, "github.com");
  EXPECT_EQ(scp->port, 22);
  auto v6 = git::parse_remote_endpoint("ssh://[::1]:2200/x.git");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 2200);
  EXPECT_FALSE(git::parse_remote_endpoint("/srv/state.git").has_value());
  EXPECT_FALSE(git::parse_remote_endpoint("file:///srv/state.git").has_value());
  EXPECT_FALSE(git::parse_remote_endpoint("./a:b/state").has_value());
}

}  // namespace
}  // namespace swarmform::source
