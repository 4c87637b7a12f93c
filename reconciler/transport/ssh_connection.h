#pragma once
// The state one SSH session shares with the streams opened over it.
// Internal to the transport module.

#include <optional>

#include "reconciler/model/desired.h"
#include "reconciler/transport/libssh2_handles.h"
#include "reconciler/transport/ssh_options.h"
#include "reconciler/transport/unique_fd.h"

namespace swarmform::transport {

/// An authenticated libssh2 session and its socket.  Shared (shared_ptr) by
/// SshSession and every stream it opened, so it lives until the last of
/// them is gone.  Not thread-safe.
struct SshConnection {
  SshOptions options;
  UniqueFd socket;  // declared before `session`: closed after it is freed
  SessionPtr session;
  /// In automatic mode, the way that worked first (then used for every later
  /// stream of this session).
  std::optional<model::TransportMode> resolved_mode;
  /// Set once the SSH handshake completed: only then is there a session to
  /// say goodbye to.
  bool handshaken = false;

  SshConnection() = default;
  SshConnection(const SshConnection&) = delete;
  SshConnection& operator=(const SshConnection&) = delete;
  /// Says goodbye to the server (bounded by the session timeout).
  ~SshConnection() {
    if (session && handshaken) libssh2_session_disconnect(session.get(), "swarmform done");
  }
};

}  // namespace swarmform::transport
