#pragma once
// SHA-256 (libcrypto): SSH host key fingerprints (transport/) and the names
// of cached git mirrors (source/).  libssh2 can hash the key the server
// presents, but a "host key changed" message must also show the fingerprint
// of the key known_hosts expected, which libssh2 cannot hash.

#include <array>
#include <string_view>

namespace swarmform {

using Sha256Digest = std::array<unsigned char, 32>;

/// The SHA-256 digest of `bytes`.
Sha256Digest sha256(std::string_view bytes);

}  // namespace swarmform
