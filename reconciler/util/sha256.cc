#include "reconciler/util/sha256.h"

#include <openssl/evp.h>

namespace swarmform {

// OpenSSL's libcrypto is what libssh2 itself is built on here; hashing is
// never written by hand.
Sha256Digest sha256(std::string_view bytes) {
  Sha256Digest digest{};
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return digest;
}

}  // namespace swarmform
