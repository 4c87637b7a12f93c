#pragma once
// Ownership of libssh2 handles: each is a unique_ptr whose deleter is the
// library's own free function, so business code never frees by hand.

#include <libssh2.h>

#include <memory>
#include <string>

#include "reconciler/util/result.h"

namespace swarmform::transport {

/// Calls libssh2_init once per process (thread-safe); later calls are no-ops.
/// Returns false when the library could not initialise its crypto backend.
bool ensure_libssh2_initialized();

struct SessionFree {
  void operator()(LIBSSH2_SESSION* s) const { libssh2_session_free(s); }
};
struct ChannelFree {
  void operator()(LIBSSH2_CHANNEL* c) const { libssh2_channel_free(c); }
};
struct KnownHostsFree {
  void operator()(LIBSSH2_KNOWNHOSTS* k) const { libssh2_knownhost_free(k); }
};
struct AgentFree {
  void operator()(LIBSSH2_AGENT* a) const {
    libssh2_agent_disconnect(a);
    libssh2_agent_free(a);
  }
};

using SessionPtr = std::unique_ptr<LIBSSH2_SESSION, SessionFree>;
using ChannelPtr = std::unique_ptr<LIBSSH2_CHANNEL, ChannelFree>;
using KnownHostsPtr = std::unique_ptr<LIBSSH2_KNOWNHOSTS, KnownHostsFree>;
using AgentPtr = std::unique_ptr<LIBSSH2_AGENT, AgentFree>;

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
