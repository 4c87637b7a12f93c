#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "reconciler/util/base64.h"
#include "reconciler/transport/host_key_verification.h"
#include "support/transport_test_util.h"

namespace swarmform::transport {
namespace {

constexpr const char* kServer =
    "AAAAC3NzaC1lZDI1NTE5AAAAIDY3kS+1XDWOQU4B13lhwDFF9G3fUGtZOVS+KqCUME1n";
constexpr const char* kServerFp = "SHA256:gGlvaDFXqxrnR/zZR6i4PNfsJ1gP1LqFjv7yyTEKIlc";
constexpr const char* kOld = "AAAAC3NzaC1lZDI1NTE5AAAAIO9BTFDE0bjjUVec/uXjwR6Vi6hWo0EiRV3oMHFhsEk7";
constexpr const char* kOldFp = "SHA256:v2B9goRtHpcpyF1MeAu/wC1EFN4lIpIcJSeK+ddRiu4";

HostKey key(const char* base64) {
  return HostKey::from_blob(base64_decode(base64).value()).value();
}

class TransportHostKeyVerification : public ::testing::Test {
 protected:
  KnownHosts load(const std::string& text) {
    std::ofstream(path_) << text;
    return std::move(KnownHosts::load(path_).value());
  }
  TempDir dir_;
  std::string path_ = dir_.path() + "/known_hosts";
};

TEST_F(TransportHostKeyVerification, KnownKeyPasses) {
  KnownHosts known = load(std::string("[127.0.0.1]:22404 ssh-ed25519 ") + kServer + "\n");
  EXPECT_TRUE(verify_host_key(known, "127.0.0.1", 22404, key(kServer), NewHostKeys::refuse));
}

TEST_F(TransportHostKeyVerification, UnknownHostIsRefusedWithFingerprintAndAdvice) {
  KnownHosts known = load("");
  auto refused = verify_host_key(known, "127.0.0.1", 22404, key(kServer), NewHostKeys::refuse);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::refused);
  EXPECT_EQ(refused.error().message,
            "the authenticity of [127.0.0.1]:22404 can't be established: " + path_ +
                " has no entry for it; the server presented ED25519 key " + kServerFp +
                "; run with --accept-new-host-keys to trust it, or add it to " + path_ +
                " (ssh-keyscan -p 22404 127.0.0.1 >> " + path_ + ")");
  EXPECT_EQ(read_text(path_), "");
}

TEST_F(TransportHostKeyVerification, UnknownHostIsRecordedWhenAccepted) {
  KnownHosts known = load("# pinned keys\n");
  ASSERT_TRUE(verify_host_key(known, "127.0.0.1", 22404, key(kServer), NewHostKeys::accept));
  EXPECT_EQ(read_text(path_),
            std::string("# pinned keys\n[127.0.0.1]:22404 ssh-ed25519 ") + kServer + "\n");
  KnownHosts reloaded = std::move(KnownHosts::load(path_).value());
  EXPECT_TRUE(verify_host_key(reloaded, "127.0.0.1", 22404, key(kServer), NewHostKeys::refuse));
}

TEST_F(TransportHostKeyVerification, ChangedKeyIsRefusedEvenWhenNewKeysAreAccepted) {
  const std::string text = std::string("# kvm4\n[127.0.0.1]:22404 ssh-ed25519 ") + kOld + "\n";
  KnownHosts known = load(text);
  auto refused = verify_host_key(known, "127.0.0.1", 22404, key(kServer), NewHostKeys::accept);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::refused);
  EXPECT_EQ(refused.error().message,
            "REMOTE HOST IDENTIFICATION HAS CHANGED for [127.0.0.1]:22404! expected ED25519 key " +
                std::string(kOldFp) + " (" + path_ + ":2), got ED25519 key " + kServerFp +
                "; someone could be intercepting the connection (man-in-the-middle), or the host "
                "key was replaced; if this change is expected, remove the old entry from " +
                path_ + " (line 2; ssh-keygen -R '[127.0.0.1]:22404' -f " + path_ +
                ") and connect again");
  EXPECT_EQ(read_text(path_), text);
}

TEST(TransportHostKeyAlgorithms, PinnedTypesComeFirst) {
  EXPECT_EQ(host_key_algorithms({}),
            "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-rsa");
  EXPECT_EQ(host_key_algorithms({"ecdsa-sha2-nistp256", "sk-ssh-ed25519@openssh.com"}),
            "ecdsa-sha2-nistp256,ssh-ed25519,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-rsa");
}

}  // namespace
}  // namespace swarmform::transport
