#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "reconciler/util/base64.h"
#include "reconciler/transport/known_hosts.h"
#include "support/transport_test_util.h"

namespace swarmform::transport {
namespace {

// Public keys of throwaway test keys, and the same files hashed by
// `ssh-keygen -H` (for [127.0.0.1]:22404 and kvm2.example.org).
constexpr const char* kKvm4 =
    "AAAAC3NzaC1lZDI1NTE5AAAAIDY3kS+1XDWOQU4B13lhwDFF9G3fUGtZOVS+KqCUME1n";
constexpr const char* kOther =
    "AAAAC3NzaC1lZDI1NTE5AAAAIO9BTFDE0bjjUVec/uXjwR6Vi6hWo0EiRV3oMHFhsEk7";
constexpr const char* kEcdsa =
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBD/5QIrsfu1NqQYBU5Hh1ZPPXWc8UeVdgY8wug5Piu"
    "u9CqZ0CVQCQZ8yhjLA2RsHmiWMFTH7qOUNMkyviMJSYlc=";
constexpr const char* kHashed =
    "|1|PhrESEvCUF5VmG3rXOOn7CrnAD0=|BzrWVVIwdCVAB4jr1kZtkf7KPNc= ssh-ed25519 "
    "AAAAC3NzaC1lZDI1NTE5AAAAIDY3kS+1XDWOQU4B13lhwDFF9G3fUGtZOVS+KqCUME1n\n"
    "|1|kX9jsI+2NUl0IQWcC43M6PbY9bg=|2ZrTGgAO4VzHuZ4Vvd7QIETDANQ= ssh-ed25519 "
    "AAAAC3NzaC1lZDI1NTE5AAAAIO9BTFDE0bjjUVec/uXjwR6Vi6hWo0EiRV3oMHFhsEk7\n";

HostKey key(const char* base64) {
  return HostKey::from_blob(base64_decode(base64).value()).value();
}

class TransportKnownHostsFile : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    std::ofstream(path_) << text;
    return path_;
  }
  KnownHosts load(const std::string& text) {
    auto known = KnownHosts::load(write(text));
    EXPECT_TRUE(known) << known.error().message;
    return std::move(*known);
  }
  HostKeyStatus status(const KnownHosts& known, const char* host, uint16_t port, const char* k) {
    auto verdict = known.check(host, port, key(k));
    EXPECT_TRUE(verdict) << verdict.error().message;
    return verdict ? verdict->status : HostKeyStatus::unknown;
  }
  TempDir dir_;
  std::string path_ = dir_.path() + "/known_hosts";
};

TEST(TransportKnownHostsName, UsesBracketsExceptOnPort22) {
  EXPECT_EQ(known_hosts_name("kvm4.example.org", 22), "kvm4.example.org");
  EXPECT_EQ(known_hosts_name("127.0.0.1", 22404), "[127.0.0.1]:22404");
}

TEST_F(TransportKnownHostsFile, PlainEntryMatchesOnPort22Only) {
  KnownHosts known = load(std::string("# comment\n\nkvm4.example.org,10.0.0.4 ssh-ed25519 ") +
                          kKvm4 + " root@kvm4\n");
  EXPECT_EQ(status(known, "kvm4.example.org", 22, kKvm4), HostKeyStatus::match);
  EXPECT_EQ(status(known, "10.0.0.4", 22, kKvm4), HostKeyStatus::match);
  // OpenSSH looks a non-default port up as [host]:port only.
  EXPECT_EQ(status(known, "kvm4.example.org", 2222, kKvm4), HostKeyStatus::unknown);
  EXPECT_EQ(status(known, "kvm2.example.org", 22, kKvm4), HostKeyStatus::unknown);
}

TEST_F(TransportKnownHostsFile, BracketedEntryMatchesItsPortOnly) {
  KnownHosts known = load(std::string("[127.0.0.1]:22404 ssh-ed25519 ") + kKvm4 + "\n");
  EXPECT_EQ(status(known, "127.0.0.1", 22404, kKvm4), HostKeyStatus::match);
  EXPECT_EQ(status(known, "127.0.0.1", 22402, kKvm4), HostKeyStatus::unknown);
  EXPECT_EQ(status(known, "127.0.0.1", 22, kKvm4), HostKeyStatus::unknown);
}

TEST_F(TransportKnownHostsFile, HashedEntriesMatch) {
  KnownHosts known = load(kHashed);
  EXPECT_EQ(status(known, "127.0.0.1", 22404, kKvm4), HostKeyStatus::match);
  EXPECT_EQ(status(known, "kvm2.example.org", 22, kOther), HostKeyStatus::match);
  EXPECT_EQ(status(known, "127.0.0.1", 22404, kOther), HostKeyStatus::changed);
  EXPECT_EQ(status(known, "127.0.0.1", 22405, kKvm4), HostKeyStatus::unknown);
  EXPECT_EQ(known.key_types_for("kvm2.example.org", 22), std::vector<std::string>{"ssh-ed25519"});
}

TEST_F(TransportKnownHostsFile, ChangedKeyNamesTheConflictingLine) {
  KnownHosts known = load(std::string("other.example.org ssh-ed25519 ") + kOther +
                          "\n[127.0.0.1]:22404 ssh-ed25519 " + kOther + "\n");
  auto verdict = known.check("127.0.0.1", 22404, key(kKvm4));
  ASSERT_TRUE(verdict) << verdict.error().message;
  EXPECT_EQ(verdict->status, HostKeyStatus::changed);
  ASSERT_EQ(verdict->conflicting.size(), 1u);
  EXPECT_EQ(verdict->conflicting[0].line, 2);
  EXPECT_EQ(verdict->conflicting[0].key.fingerprint(), key(kOther).fingerprint());
}

TEST_F(TransportKnownHostsFile, AnEntryOfAnotherKeyTypeCountsAsChanged) {
  KnownHosts known = load(std::string("[127.0.0.1]:22404 ecdsa-sha2-nistp256 ") + kEcdsa + "\n");
  auto verdict = known.check("127.0.0.1", 22404, key(kKvm4));
  ASSERT_TRUE(verdict) << verdict.error().message;
  EXPECT_EQ(verdict->status, HostKeyStatus::changed);
  ASSERT_EQ(verdict->conflicting.size(), 1u);
  EXPECT_EQ(verdict->conflicting[0].key.type, "ecdsa-sha2-nistp256");
  EXPECT_EQ(known.key_types_for("127.0.0.1", 22404),
            std::vector<std::string>{"ecdsa-sha2-nistp256"});
}

TEST_F(TransportKnownHostsFile, AnyMatchingEntryWins) {
  KnownHosts known = load(std::string("[127.0.0.1]:22404 ecdsa-sha2-nistp256 ") + kEcdsa +
                          "\n[127.0.0.1]:22404 ssh-ed25519 " + kKvm4 + "\n");
  EXPECT_EQ(status(known, "127.0.0.1", 22404, kKvm4), HostKeyStatus::match);
  EXPECT_EQ(known.key_types_for("127.0.0.1", 22404),
            (std::vector<std::string>{"ecdsa-sha2-nistp256", "ssh-ed25519"}));
}

TEST_F(TransportKnownHostsFile, MissingFileKnowsNothing) {
  auto known = KnownHosts::load(dir_.path() + "/absent");
  ASSERT_TRUE(known) << known.error().message;
  auto verdict = known->check("127.0.0.1", 22404, key(kKvm4));
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->status, HostKeyStatus::unknown);
}

TEST_F(TransportKnownHostsFile, UnreadableLinesAreErrorsWithFileAndLine) {
  auto marker =
      KnownHosts::load(write(std::string("# pinned\n@revoked * ssh-ed25519 ") + kKvm4 + "\n"));
  ASSERT_FALSE(marker);
  EXPECT_EQ(marker.error().message,
            path_ + ":2: marker lines (@cert-authority, @revoked) are not supported");

  auto garbage = KnownHosts::load(write("justonefield\n"));
  ASSERT_FALSE(garbage);
  EXPECT_TRUE(garbage.error().message.starts_with(path_ + ":1: not a known_hosts entry"))
      << garbage.error().message;
}

// Lines libssh2 reads without complaint but that can never match: they must
// fail the load with PATH:LINE instead of reading as "has no entry".
TEST_F(TransportKnownHostsFile, EntriesThatCannotMatchAreErrorsWithFileAndLine) {
  const std::string ok = std::string("[127.0.0.1]:22404 ssh-ed25519 ") + kKvm4 + "\n";
  struct Case {
    std::string line;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {std::string("[127.0.0.1]:22404 ssh-ed2551 ") + kKvm4, "unsupported key type 'ssh-ed2551'"},
      {std::string("[127.0.0.1]:22404 ssh-ed25519 ") + kEcdsa,
       "the key is not a ssh-ed25519 key (it holds ecdsa-sha2-nistp256)"},
      {"[127.0.0.1]:22404 ssh-ed25519 AAAA%%%notbase64", "the ssh-ed25519 key is not valid base64"},
      {std::string("[127.0.0.1:22404 ssh-ed25519 ") + kKvm4, "expected [HOST]:PORT"},
      {std::string("[127.0.0.1]:port ssh-ed25519 ") + kKvm4, "expected [HOST]:PORT"},
      {std::string("a,,b ssh-ed25519 ") + kKvm4, "empty host name"},
      {"[127.0.0.1]:22404 ssh-ed25519", "expected HOSTS KEYTYPE BASE64-KEY"},
  };
  for (const Case& c : cases) {
    auto known = KnownHosts::load(write("# pinned\n" + ok + c.line + "\n"));
    ASSERT_FALSE(known) << c.line;
    EXPECT_EQ(known.error().message.rfind(path_ + ":3: ", 0), 0u) << known.error().message;
    EXPECT_NE(known.error().message.find(c.expect), std::string::npos) << known.error().message;
  }
}

// issue 11: libssh2 leaks its HMAC context checking a hashed entry whose hash
// is not 20 bytes; such entries never reach it.
TEST_F(TransportKnownHostsFile, MalformedHashedEntriesAreRejectedBeforeLibssh2SeesThem) {
  const std::string key = std::string(" ssh-ed25519 ") + kKvm4;
  const std::string salt = "PhrESEvCUF5VmG3rXOOn7CrnAD0=";
  const std::string hash = "BzrWVVIwdCVAB4jr1kZtkf7KPNc=";
  struct Case {
    std::string names;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {"|1||" + hash, "the salt is not base64 of 20 bytes"},
      {"|1|" + salt + "|", "the hash is not base64 of 20 bytes"},
      {"|1|!!!!|" + hash, "the salt is not base64 of 20 bytes"},
      {"|1|" + salt + "|AAAA", "the hash is not base64 of 20 bytes"},
      {"|1|AAAA|" + hash, "the salt is not base64 of 20 bytes"},
      // '=' inside: our decoder read 20 bytes, libssh2 another length (and leaked).
      {"|1|" + salt + "|BzrWVVIwdCVAB4j=1kZtkf7KPNc=", "the hash is not base64 of 20 bytes"},
      {"|1|PhrESEvCUF5Vm=3rXOOn7CrnAD0=|" + hash, "the salt is not base64 of 20 bytes"},
      {"|1|" + salt, "expected |1|SALT|HASH"},
      {"|2|" + salt + "|" + hash, "expected |1|SALT|HASH"},
  };
  for (const Case& c : cases) {
    auto known = KnownHosts::load(write(c.names + key + "\n"));
    ASSERT_FALSE(known) << c.names;
    EXPECT_EQ(known.error().message.rfind(path_ + ":1: malformed hashed host name", 0), 0u)
        << known.error().message;
    EXPECT_NE(known.error().message.find(c.expect), std::string::npos) << known.error().message;
  }
  // The well-formed one still loads and matches.
  KnownHosts known = load("|1|" + salt + "|" + hash + key + "\n");
  EXPECT_EQ(status(known, "127.0.0.1", 22404, kKvm4), HostKeyStatus::match);
}

TEST_F(TransportKnownHostsFile, AppendWritesABracketedLineAndCreatesTheFile) {
  ASSERT_TRUE(append_known_host(path_, "127.0.0.1", 22404, key(kKvm4)));
  EXPECT_EQ(read_text(path_), std::string("[127.0.0.1]:22404 ssh-ed25519 ") + kKvm4 + "\n");
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);

  ASSERT_TRUE(append_known_host(path_, "kvm2.example.org", 22, key(kOther)));
  EXPECT_EQ(read_text(path_), std::string("[127.0.0.1]:22404 ssh-ed25519 ") + kKvm4 +
                                  "\nkvm2.example.org ssh-ed25519 " + kOther + "\n");
  KnownHosts known = load(read_text(path_));
  EXPECT_EQ(status(known, "127.0.0.1", 22404, kKvm4), HostKeyStatus::match);
  EXPECT_EQ(status(known, "kvm2.example.org", 22, kOther), HostKeyStatus::match);
  // No temporary file is left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_.path()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(TransportKnownHostsFile, AppendKeepsContentModeAndSymlink) {
  write("# team keys\nkvm2.example.org ssh-ed25519 AAAA-no-newline");
  ::chmod(path_.c_str(), 0600);
  const std::string link = dir_.path() + "/link";
  std::filesystem::create_symlink(path_, link);
  ASSERT_TRUE(append_known_host(link, "127.0.0.1", 22404, key(kKvm4)));
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_EQ(read_text(path_), std::string("# team keys\nkvm2.example.org ssh-ed25519 "
                                          "AAAA-no-newline\n[127.0.0.1]:22404 ssh-ed25519 ") +
                                  kKvm4 + "\n");
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(TransportKnownHostsFile, AppendIntoAMissingDirectoryFailsNamingThePath) {
  const std::string path = dir_.path() + "/no/such/dir/known_hosts";
  auto appended = append_known_host(path, "127.0.0.1", 22404, key(kKvm4));
  ASSERT_FALSE(appended);
  EXPECT_TRUE(appended.error().message.starts_with("cannot write known_hosts file " + path))
      << appended.error().message;
}

}  // namespace
}  // namespace swarmform::transport
