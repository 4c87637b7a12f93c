// sync_remote over SSH against the lab's sshd (tests/lab/up.sh), which runs
// on this machine: git-upload-pack serves a bare repository made in a temp
// folder.  Host keys are checked with the lab's known_hosts as the engine
// transport checks them.

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif
#include <sstream>

#include "reconciler/source/git_source.h"
#include "support/git_repo.h"
#include "support/lab.h"
#include "support/process.h"

namespace swarmform::source {
namespace {

using swarmform::testing::git;
using swarmform::testing::git_commit_all;
using swarmform::testing::git_init;
using swarmform::testing::Lab;
using swarmform::testing::run_command;
using swarmform::testing::server_fingerprint;
using swarmform::testing::shell_quote;
using swarmform::testing::TempDir;
using swarmform::testing::write_file;

/// A bare origin with one commit holding examples/kvm/cluster.yaml.
struct Origin {
  TempDir tmp{"sf-git-ssh"};
  std::string bare = tmp / "origin.git";
  std::string commit;
  Origin() {
    const std::string work = tmp / "work";
    git_init(work);
    write_file(work + "/examples/kvm/cluster.yaml", "over: ssh\n");
    commit = git_commit_all(work, "over ssh");
    git(tmp.path(), "clone -q --bare " + shell_quote(work) + " " + shell_quote(bare));
  }
  [[nodiscard]] std::string url(const Lab& lab) const {
    return "ssh://" + lab.get("SSH_USER") + "@" + lab.get("SSH_HOST") + ":" +
           lab.get("KVM4_SSH_PORT") + bare;
  }
};

/// sync_remote with leak checking off for what it allocates: Debian's
/// libgit2 1.5.1 leaks its known_hosts data on every SSH connect (libgit2
/// issue #6598, fixed in 1.7), which ASan's fast unwinding cannot attribute
/// to a suppressible frame (reconciler/util/lsan_suppressions.h).
Result<std::string> sync_over_ssh(const std::string& url, const std::string& cache, const RemoteOptions& o) {
#if defined(__SANITIZE_ADDRESS__)
  __lsan::ScopedDisabler libgit2_leaks;
#endif
  return sync_remote(url, cache, o);
}

RemoteOptions lab_options(const Lab& lab) {
  RemoteOptions o;
  o.identity = lab.get("SSH_IDENTITY");
  o.known_hosts = lab.get("SSH_KNOWN_HOSTS");
  o.timeout_seconds = 10;
  return o;
}

TEST(GitSsh, SyncsAndReadsOverSshWithTheLabKey) {
  SF_REQUIRE_LAB(lab);
  Origin origin;
  auto mirror = sync_over_ssh(origin.url(lab), origin.tmp / "cache", lab_options(lab));
  ASSERT_TRUE(mirror.has_value()) << mirror.error().message;
  auto s = read_remote_ref(*mirror, "examples/kvm", "main");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->commit, origin.commit);
  ASSERT_EQ(s->files.size(), 1U);
  EXPECT_EQ(s->files[0].name, origin.commit.substr(0, 7) + ":examples/kvm/cluster.yaml");
  EXPECT_EQ(s->files[0].content, "over: ssh\n");
}

TEST(GitSsh, PathThatIsNotARepositoryNamesTheUrl) {
  SF_REQUIRE_LAB(lab);
  Origin origin;
  const std::string url = "ssh://" + lab.get("SSH_USER") + "@" + lab.get("SSH_HOST") + ":" +
                          lab.get("KVM4_SSH_PORT") + origin.tmp.path() + "/no-such.git";
  auto mirror = sync_over_ssh(url, origin.tmp / "cache", lab_options(lab));
  ASSERT_FALSE(mirror.has_value());
  EXPECT_TRUE(mirror.error().message.starts_with("cannot sync " + url)) << mirror.error().message;
  EXPECT_NE(mirror.error().message.find("does not appear to be a git repository; check the URL"),
            std::string::npos)
      << mirror.error().message;
}

TEST(GitSsh, UnknownHostKeyIsRefusedWithItsFingerprint) {
  SF_REQUIRE_LAB(lab);
  Origin origin;
  RemoteOptions o = lab_options(lab);
  o.known_hosts = origin.tmp / "known_hosts";
  write_file(o.known_hosts, "");
  auto mirror = sync_over_ssh(origin.url(lab), origin.tmp / "cache", o);
  ASSERT_FALSE(mirror.has_value());
  EXPECT_EQ(mirror.error().kind, ErrorKind::refused);
  const std::string& m = mirror.error().message;
  const std::string fp = server_fingerprint(lab, lab.port("KVM4_SSH_PORT"));
  ASSERT_TRUE(fp.starts_with("SHA256:")) << fp;
  EXPECT_NE(
      m.find("[" + lab.get("SSH_HOST") + "]:" + lab.get("KVM4_SSH_PORT") + " can't be established"),
      std::string::npos)
      << m;
  EXPECT_NE(m.find(fp), std::string::npos) << m;
  EXPECT_EQ(run_command("cat " + shell_quote(o.known_hosts)), "");
}

TEST(GitSsh, AcceptNewHostKeysRecordsTheKeyAndSyncs) {
  SF_REQUIRE_LAB(lab);
  Origin origin;
  RemoteOptions o = lab_options(lab);
  o.known_hosts = origin.tmp / "known_hosts";
  o.accept_new_host_keys = true;
  auto mirror = sync_over_ssh(origin.url(lab), origin.tmp / "cache", o);
  ASSERT_TRUE(mirror.has_value()) << mirror.error().message;
  const std::string recorded = run_command("ssh-keygen -lf " + shell_quote(o.known_hosts));
  EXPECT_NE(recorded.find(server_fingerprint(lab, lab.port("KVM4_SSH_PORT"))), std::string::npos)
      << recorded;
  EXPECT_NE(recorded.find("[" + lab.get("SSH_HOST") + "]:" + lab.get("KVM4_SSH_PORT")),
            std::string::npos)
      << recorded;
}

TEST(GitSsh, ChangedHostKeyIsRefusedEvenWhenAcceptingNewKeys) {
  SF_REQUIRE_LAB(lab);
  Origin origin;
  RemoteOptions o = lab_options(lab);
  o.known_hosts = origin.tmp / "known_hosts";
  o.accept_new_host_keys = true;
  // kvm2's key (from the lab's known_hosts) recorded for kvm4's port.
  const std::string host = "[" + lab.get("SSH_HOST") + "]:";
  const std::string kvm2_key =
      run_command("grep -F " + shell_quote(host + lab.get("KVM2_SSH_PORT") + " ") + " " +
                  shell_quote(lab.get("SSH_KNOWN_HOSTS")) + " | cut -d' ' -f2-");
  ASSERT_TRUE(kvm2_key.starts_with("ssh-ed25519 ")) << kvm2_key;
  write_file(o.known_hosts, host + lab.get("KVM4_SSH_PORT") + " " + kvm2_key);
  auto mirror = sync_over_ssh(origin.url(lab), origin.tmp / "cache", o);
  ASSERT_FALSE(mirror.has_value());
  EXPECT_EQ(mirror.error().kind, ErrorKind::refused);
  EXPECT_NE(mirror.error().message.find("REMOTE HOST IDENTIFICATION HAS CHANGED"),
            std::string::npos)
      << mirror.error().message;
  EXPECT_NE(mirror.error().message.find(server_fingerprint(lab, lab.port("KVM4_SSH_PORT"))),
            std::string::npos)
      << mirror.error().message;
}

/// Sets an environment variable (or unsets it, for std::nullopt) for one
/// test and restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(GitSsh, AgentKeysAreUsedWithoutAnIdentityFile) {
  SF_REQUIRE_LAB(lab);
  Origin origin;
  const std::string sock = origin.tmp / "agent.sock";
  const std::string pid = run_command("ssh-agent -s -a " + shell_quote(sock) +
                                      " | sed -n 's/^SSH_AGENT_PID=\\([0-9]*\\);.*/\\1/p'");
  ASSERT_FALSE(pid.empty());
  int added = -1;
  run_command("SSH_AUTH_SOCK=" + shell_quote(sock) + " ssh-add -q " +
                  shell_quote(lab.get("SSH_IDENTITY")) + " 2>&1",
              &added);
  std::optional<Result<std::string>> mirror;
  {
    ScopedEnv agent("SSH_AUTH_SOCK", sock);
    RemoteOptions o = lab_options(lab);
    o.identity.clear();
    mirror = sync_over_ssh(origin.url(lab), origin.tmp / "cache", o);
  }
  run_command("kill " + pid);
  ASSERT_EQ(added, 0);
  ASSERT_TRUE(mirror->has_value()) << (*mirror).error().message;
  auto s = read_remote_ref(**mirror, "examples/kvm", "main");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->commit, origin.commit);
}

TEST(GitSsh, NoIdentityAndNoAgentSaysSo) {
  SF_REQUIRE_LAB(lab);
  Origin origin;
  ScopedEnv no_agent("SSH_AUTH_SOCK", std::nullopt);
  RemoteOptions o = lab_options(lab);
  o.identity.clear();
  auto mirror = sync_over_ssh(origin.url(lab), origin.tmp / "cache", o);
  ASSERT_FALSE(mirror.has_value());
  EXPECT_EQ(mirror.error().kind, ErrorKind::refused);
  EXPECT_NE(mirror.error().message.find("no identity file is configured and no ssh-agent runs"),
            std::string::npos)
      << mirror.error().message;
}

TEST(GitSsh, KeyTheServerRefusesIsReportedOnce) {
  SF_REQUIRE_LAB(lab);
  Origin origin;
  RemoteOptions o = lab_options(lab);
  o.identity = origin.tmp / "stranger";
  run_command("ssh-keygen -q -t ed25519 -N '' -C stranger -f " + shell_quote(o.identity));
  auto mirror = sync_over_ssh(origin.url(lab), origin.tmp / "cache", o);
  ASSERT_FALSE(mirror.has_value());
  EXPECT_EQ(mirror.error().kind, ErrorKind::refused);
  EXPECT_NE(mirror.error().message.find("authentication refused: root@" + lab.get("SSH_HOST") +
                                        " did not accept the key " + o.identity),
            std::string::npos)
      << mirror.error().message;
}

}  // namespace
}  // namespace swarmform::source
