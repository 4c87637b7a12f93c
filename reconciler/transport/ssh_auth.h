#pragma once
// Public-key user authentication on a handshaken libssh2 session: an
// identity file, or else the keys of a running ssh-agent.

#include <libssh2.h>

#include <optional>
#include <string>

#include "reconciler/util/result.h"

namespace swarmform::transport {

struct AuthRequest {
  std::string user;
  /// Private key file (ed25519, ecdsa or rsa; OpenSSH or PEM format).  The
  /// public half is derived from it.  Absent: ask the ssh-agent.
  std::optional<std::string> identity;
  /// Passphrase for an encrypted identity file; empty for none.
  std::string passphrase;
  /// ssh-agent socket (usually $SSH_AUTH_SOCK); empty: no agent.
  std::string agent_socket;
};

/// Authenticates `request.user` on `session` (blocking, under the session's
/// timeout).  On failure the message names the key file (or the agent
/// socket) and the user: ErrorKind::refused when the server said no or no
/// usable key exists, ErrorKind::timeout when the server did not answer.
/// Does not take ownership of `session`.
Result<void> authenticate(LIBSSH2_SESSION* session, const AuthRequest& request);

}  // namespace swarmform::transport
