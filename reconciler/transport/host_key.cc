#include "reconciler/transport/host_key.h"

#include <cstdint>
#include <string_view>

#include "reconciler/util/base64.h"

namespace swarmform::transport {

Result<HostKey> HostKey::from_blob(std::string blob) {
  if (blob.size() < 4)
    return fail("host key blob is too short (" + std::to_string(blob.size()) + " bytes)");
  uint32_t len = 0;
  for (int i = 0; i < 4; ++i) len = (len << 8) | static_cast<unsigned char>(blob[i]);
  if (len == 0 || len > blob.size() - 4) return fail("host key blob has no valid key type");
  std::string type = blob.substr(4, len);
  return HostKey{std::move(type), std::move(blob)};
}

std::string HostKey::fingerprint() const { return sha256_fingerprint(sha256(blob)); }

std::string HostKey::display_type() const {
  std::string_view t = type;
  if (t == "ssh-ed25519") return "ED25519";
  if (t.starts_with("ecdsa-sha2-")) return "ECDSA";
  if (t == "ssh-rsa") return "RSA";
  if (t == "ssh-dss") return "DSA";
  return type;
}

std::string sha256_fingerprint(const Sha256Digest& digest) {
  std::string_view bytes(reinterpret_cast<const char*>(digest.data()), digest.size());
  return "SHA256:" + base64_encode(bytes, Base64Padding::strip);
}

}  // namespace swarmform::transport
