#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "reconciler/transport/key_file.h"
#include "support/process.h"
#include "support/transport_test_util.h"

namespace swarmform::transport {
namespace {

using swarmform::testing::run_command;

/// A fresh key made by ssh-keygen (`args` e.g. "-t ed25519"), or "" when
/// ssh-keygen is not available.
std::string make_key(const TempDir& dir, const std::string& name, const std::string& args) {
  const std::string path = dir.path() + "/" + name;
  int status = -1;
  run_command("ssh-keygen -q " + args + " -C '' -f " + path + " 2>&1", &status);
  return status == 0 ? path : "";
}

TEST(TransportKeyFile, ReadsTheTypeOfEveryCommonKeyFile) {
  TempDir dir;
  if (make_key(dir, "probe", "-t ed25519 -N ''").empty()) {
    GTEST_SKIP() << "SSH-KEYGEN NOT AVAILABLE: cannot make test keys";
  }
  EXPECT_EQ(private_key_type(make_key(dir, "ed", "-t ed25519 -N ''")), "ssh-ed25519");
  EXPECT_EQ(private_key_type(make_key(dir, "ed_enc", "-t ed25519 -N secret")), "ssh-ed25519");
  EXPECT_EQ(private_key_type(make_key(dir, "ec", "-t ecdsa -b 384 -N ''")), "ecdsa-sha2-nistp384");
  EXPECT_EQ(private_key_type(make_key(dir, "rsa", "-t rsa -b 2048 -N ''")), "ssh-rsa");
  EXPECT_EQ(private_key_type(make_key(dir, "rsa_pem", "-t rsa -b 2048 -m PEM -N ''")), "ssh-rsa");
  EXPECT_EQ(private_key_type(make_key(dir, "pkcs8", "-t rsa -b 2048 -m PKCS8 -N ''")),
            std::nullopt);
  EXPECT_EQ(private_key_type(dir.path() + "/absent"), std::nullopt);
}

}  // namespace
}  // namespace swarmform::transport
