#pragma once
// What kind of private key a key file holds, read without decrypting it.

#include <optional>
#include <string>

namespace swarmform::transport {

/// The SSH key type of the private key file at `path` ("ssh-ed25519",
/// "ecdsa-sha2-nistp256", "ssh-rsa", ...), read from the unencrypted public
/// part of an OpenSSH-format key or from a PEM header.  nullopt when the file
/// cannot be read or its format says nothing about the type (e.g. PKCS#8).
std::optional<std::string> private_key_type(const std::string& path);

}  // namespace swarmform::transport
