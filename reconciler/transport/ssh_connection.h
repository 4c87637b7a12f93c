#pragma once
// The state one SSH session shares with the streams opened over it, and the
// wait every blocking step of an authenticated session goes through.
// Internal to the transport module.

#include <chrono>
#include <optional>
#include <string>

#include "reconciler/model/desired.h"
#include "reconciler/transport/libssh2_handles.h"
#include "reconciler/transport/ssh_options.h"
#include "reconciler/transport/ssh_session.h"
#include "reconciler/util/unique_fd.h"

namespace swarmform::transport {

/// How long a wait goes on after a stop request (SIGINT/SIGTERM): long
/// enough for a request in flight on a live peer, short enough that a
/// frozen peer never keeps the user waiting.
inline constexpr std::chrono::milliseconds kStopGrace{800};
/// The most a polite goodbye (channel close, session disconnect) may wait.
inline constexpr std::chrono::milliseconds kTeardownBound{2'000};

/// Whether a failure means the link to the host is gone (and every other
/// session of the run to it should stop waiting), or only this session.
enum class LinkLoss { no, yes };

/// An authenticated libssh2 session and its socket.  Shared (shared_ptr) by
/// SshSession and every stream it opened, so it lives until the last of
/// them is gone.  After authentication the session is non-blocking: every
/// step loops on LIBSSH2_ERROR_EAGAIN through an SshWait.  Not thread-safe.
struct SshConnection {
  SshOptions options;
  UniqueFd socket;  // declared before `session`: closed after it is freed
  SessionPtr session;
  /// In automatic mode, the way that worked first (then used for every later
  /// stream of this session).
  std::optional<model::TransportMode> resolved_mode;
  /// The server's host key as verified during connect.
  VerifiedHostKey host_key;
  /// Set once the SSH handshake completed: only then is there a session to
  /// say goodbye to.
  bool handshaken = false;
  /// Why this session can no longer be used; every later step fails with it
  /// at once and teardown does not wait on the peer.
  std::optional<Error> broken;

  SshConnection() = default;
  SshConnection(const SshConnection&) = delete;
  SshConnection& operator=(const SshConnection&) = delete;
  /// Says goodbye to the server unless the session broke (bounded by
  /// kTeardownBound).
  ~SshConnection();

  /// Fails at once when this session broke, or when another session of the
  /// run lost the link to this host (this session is then broken too).
  Result<void> check_usable();
  /// Marks this session broken with `cause` and shuts its socket down, so
  /// nothing (a channel close, the disconnect) waits on the peer again.  With
  /// LinkLoss::yes, also records the cause in options.link.
  void mark_broken(const Error& cause, LinkLoss loss);
  /// `error`, after marking the session broken (and the link lost) when
  /// `libssh2_code` says the transport itself failed (socket error, EOF,
  /// timeout).
  Error failed(int libssh2_code, Error error);
};

/// Closes `channel` politely (waits at most kTeardownBound for the peer's
/// reply, and not at all once the session broke), then frees it.  A link
/// error while closing marks the session broken; `description` names the
/// channel in that error.
void close_channel(SshConnection& conn, ChannelPtr& channel, const std::string& description);

/// True for libssh2 codes that mean the connection itself failed (a socket
/// error, the peer's EOF, a timeout), as opposed to one channel or request.
bool is_link_error(int libssh2_code);

/// One blocking step of an authenticated session, bounded by the session's
/// timeout: call the libssh2 function, and on LIBSSH2_ERROR_EAGAIN call
/// wait() and try again.
class SshWait {
 public:
  /// `who` and `what` make the messages: "WHO: timed out after N ms WHAT".
  SshWait(SshConnection& conn, std::string who, std::string what);
  /// Sleeps until the socket can move in the direction libssh2 is blocked
  /// on, at most 100 ms at a time, then returns so the caller retries.
  /// Fails when the time is up (ErrorKind::timeout; the link counts as lost),
  /// when the link was lost by another session, or kStopGrace after a stop
  /// request (this session only); each marks the session broken.
  Result<void> wait();

 private:
  SshConnection& conn_;
  std::string who_;
  std::string what_;
  std::chrono::steady_clock::time_point deadline_;
  std::optional<std::chrono::steady_clock::time_point> stop_deadline_;
};

}  // namespace swarmform::transport
