#pragma once
// Ownership of libssh2 handles (CHandle: the library's own free function as
// the deleter), libssh2's one-time initialisation and its last error.

#include <libssh2.h>

#include <string>

#include "reconciler/util/c_handle.h"
#include "reconciler/util/result.h"

namespace swarmform::transport {

/// Calls libssh2_init once per process (thread-safe); later calls are no-ops.
/// Returns false when the library could not initialise its crypto backend.
bool ensure_libssh2_initialized();

/// Disconnects `agent` from ssh-agent, then frees it (AgentPtr's release).
void disconnect_and_free_agent(LIBSSH2_AGENT* agent);

using SessionPtr = CHandle<LIBSSH2_SESSION, libssh2_session_free>;
using ChannelPtr = CHandle<LIBSSH2_CHANNEL, libssh2_channel_free>;
using KnownHostsPtr = CHandle<LIBSSH2_KNOWNHOSTS, libssh2_knownhost_free>;
using AgentPtr = CHandle<LIBSSH2_AGENT, disconnect_and_free_agent>;

/// A fresh session (not connected), or null when out of memory / the library
/// failed to initialise.
SessionPtr new_session();

/// The session's last error as "MESSAGE (libssh2 error N)"; "no error" when none.
std::string last_error(LIBSSH2_SESSION* session);
/// The session's last error code (LIBSSH2_ERROR_*), 0 when none.
int last_errno(LIBSSH2_SESSION* session);
/// The session's last error message alone, "" when none.
std::string last_error_message(LIBSSH2_SESSION* session);
/// True for the codes libssh2 uses when its session timeout ran out.
bool is_timeout(int libssh2_code);
/// ErrorKind::timeout for a timeout code, else `otherwise`.
ErrorKind kind_of(int libssh2_code, ErrorKind otherwise = ErrorKind::failed);

}  // namespace swarmform::transport
