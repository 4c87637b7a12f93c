#pragma once
// A server's public host key and how OpenSSH names and fingerprints it.

#include <string>

#include "reconciler/util/result.h"
#include "reconciler/util/sha256.h"

namespace swarmform::transport {

/// A public host key: its raw blob (what known_hosts stores base64-encoded)
/// and the algorithm name inside it.
struct HostKey {
  std::string type;  ///< "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", ...
  std::string blob;

  /// Reads the algorithm name from the blob (an SSH string at its start).
  /// Fails when the blob is too short to hold one.
  static Result<HostKey> from_blob(std::string blob);

  /// OpenSSH's fingerprint, as `ssh-keygen -lf` prints it: "SHA256:" + base64
  /// (no padding) of sha256(blob).
  [[nodiscard]] std::string fingerprint() const;

  /// OpenSSH's short name for the type: "ED25519", "ECDSA", "RSA", "DSA";
  /// other types verbatim.
  [[nodiscard]] std::string display_type() const;
};

/// "SHA256:" + unpadded base64 of `digest`.
std::string sha256_fingerprint(const Sha256Digest& digest);

}  // namespace swarmform::transport
