#include "reconciler/transport/key_file.h"

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string_view>

#include "reconciler/util/base64.h"

namespace swarmform::transport {
namespace {

constexpr std::string_view kOpenSshBegin = "-----BEGIN OPENSSH PRIVATE KEY-----";
constexpr std::string_view kOpenSshEnd = "-----END OPENSSH PRIVATE KEY-----";
constexpr std::string_view kMagic{"openssh-key-v1\0", 15};

/// Reads an SSH string (uint32 length + bytes) off the front of `in`.
std::optional<std::string_view> take_string(std::string_view& in) {
  if (in.size() < 4) return std::nullopt;
  uint32_t len = 0;
  for (int i = 0; i < 4; ++i) len = (len << 8) | static_cast<unsigned char>(in[i]);
  in.remove_prefix(4);
  if (len > in.size()) return std::nullopt;
  std::string_view s = in.substr(0, len);
  in.remove_prefix(len);
  return s;
}

std::optional<std::string> openssh_key_type(std::string_view text) {
  auto begin = text.find(kOpenSshBegin);
  auto end = text.find(kOpenSshEnd);
  if (begin == std::string_view::npos || end == std::string_view::npos || end < begin) {
    return std::nullopt;
  }
  std::string body;
  for (char c : text.substr(begin + kOpenSshBegin.size(), end - begin - kOpenSshBegin.size())) {
    if (c != '\n' && c != '\r' && c != ' ') body += c;
  }
  auto decoded = base64_decode(body);
  if (!decoded) return std::nullopt;
  // magic, cipher, kdf, kdf options, key count, then the first public key,
  // which is never encrypted.
  std::string_view in = *decoded;
  if (!in.starts_with(kMagic)) return std::nullopt;
  in.remove_prefix(kMagic.size());
  for (int i = 0; i < 3; ++i) {
    if (!take_string(in)) return std::nullopt;
  }
  if (in.size() < 4) return std::nullopt;
  in.remove_prefix(4);
  auto pub = take_string(in);
  if (!pub) return std::nullopt;
  auto type = take_string(*pub);
  if (!type) return std::nullopt;
  return std::string(*type);
}

}  // namespace

std::optional<std::string> private_key_type(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  const std::string text = s.str();
  if (auto type = openssh_key_type(text)) return type;
  if (text.starts_with("-----BEGIN RSA PRIVATE KEY-----")) return "ssh-rsa";
  if (text.starts_with("-----BEGIN EC PRIVATE KEY-----")) return "ecdsa";
  if (text.starts_with("-----BEGIN DSA PRIVATE KEY-----")) return "ssh-dss";
  return std::nullopt;
}

}  // namespace swarmform::transport
