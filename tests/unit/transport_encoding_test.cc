#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "reconciler/transport/host_key.h"
#include "reconciler/transport/ssh_session.h"
#include "reconciler/util/base64.h"
#include "reconciler/util/sha256.h"

namespace swarmform::transport {
namespace {

std::string hex(const Sha256Digest& d) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : d) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

TEST(TransportSha256, MatchesFipsVectors) {
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex(sha256(std::string(1'000'000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(TransportSha256, HandlesEveryTailLength) {
  // Around 56 and 120 bytes the padding needs one block more (from sha256sum).
  const std::pair<std::size_t, const char*> cases[] = {
      {55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"},
      {56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"},
      {63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"},
      {64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"},
      {65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"},
      {119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"},
      {120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"},
  };
  for (const auto& [n, digest] : cases) EXPECT_EQ(hex(sha256(std::string(n, 'x'))), digest) << n;
}

TEST(TransportBase64, RoundTripsAndStripsPadding) {
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob", Base64Padding::strip), "Zm9vYg");
  EXPECT_EQ(base64_decode("Zm9vYmFy").value(), "foobar");
  EXPECT_EQ(base64_decode("Zm9vYg==").value(), "foob");
  EXPECT_EQ(base64_decode("Zm9vYg").value(), "foob");
  EXPECT_FALSE(base64_decode("Zm9v!g=="));
  EXPECT_FALSE(base64_decode("Z"));
}

HostKey key_from_base64(const std::string& text) {
  return HostKey::from_blob(base64_decode(text).value()).value();
}

// Fingerprints as `ssh-keygen -lf` printed them for these public keys.
TEST(TransportFingerprint, MatchesOpenSsh) {
  HostKey ed =
      key_from_base64("AAAAC3NzaC1lZDI1NTE5AAAAIDY3kS+1XDWOQU4B13lhwDFF9G3fUGtZOVS+KqCUME1n");
  EXPECT_EQ(ed.type, "ssh-ed25519");
  EXPECT_EQ(ed.display_type(), "ED25519");
  EXPECT_EQ(ed.fingerprint(), "SHA256:gGlvaDFXqxrnR/zZR6i4PNfsJ1gP1LqFjv7yyTEKIlc");

  HostKey ecdsa = key_from_base64(
      "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBD/5QIrsfu1NqQYBU5Hh1ZPPXWc8UeVdgY8wug5P"
      "iuu9CqZ0CVQCQZ8yhjLA2RsHmiWMFTH7qOUNMkyviMJSYlc=");
  EXPECT_EQ(ecdsa.type, "ecdsa-sha2-nistp256");
  EXPECT_EQ(ecdsa.display_type(), "ECDSA");
  EXPECT_EQ(ecdsa.fingerprint(), "SHA256:MpPxuvUWmv9h42czFsn4Hu2nyHLpCoNHj/eGg44cFu0");

  HostKey rsa = key_from_base64(
      "AAAAB3NzaC1yc2EAAAADAQABAAABAQDJ0Z9Hl3appd8LT0noaxjj5i8ohl+mK90F0xOqTNFGUp/gMYN2XBEPIzB9HMfN"
      "5PEiD7xzSbjjIlLK6Zii6OwRdKSW2jxfnDQOhYvI546cYtn8sWFx4vEnlhDNWVzjwjF0g//QhQPnbYmiEFj+jiNW3Rcw"
      "iNKXWhLQld3WmUdNHDhEurYzVZU/"
      "prySFwv36l8jilAX3aAyYw4oYCaZgV0aPUsHCmsRlGNCvXyKD4lUITbmYImmpI9qd"
      "henyaaXf0exw5R8xygHImWQcqSWM91gGoV7lXcTBfqawxAWdUfF7z2iqTiQT5en89u+"
      "70DJgoegWck0oRk9IMhcMg09V5YN");
  EXPECT_EQ(rsa.display_type(), "RSA");
  EXPECT_EQ(rsa.fingerprint(), "SHA256:rq/GF/+/7YmCp7qyoXCtNtUCeCdHvk6N8R9sFbSK+UY");
}

TEST(TransportFingerprint, RejectsABlobWithoutAType) {
  EXPECT_FALSE(HostKey::from_blob(""));
  EXPECT_FALSE(HostKey::from_blob(std::string("\0\0\0\x09ssh", 7)));
}

// dial-stdio is told the declared socket, so it reaches the same engine as
// streamlocal; the socket is one shell word whatever it holds.
TEST(TransportDialStdio, CommandNamesTheDeclaredSocketQuoted) {
  EXPECT_EQ(dial_stdio_command("/var/run/docker.sock"),
            "docker -H 'unix:///var/run/docker.sock' system dial-stdio");
  EXPECT_EQ(shell_quote("a'b"), "'a'\\''b'");
  EXPECT_EQ(shell_quote("$(id); `x` \"y\""), "'$(id); `x` \"y\"'");
  EXPECT_EQ(shell_quote(""), "''");
}

}  // namespace
}  // namespace swarmform::transport
