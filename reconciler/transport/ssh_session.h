#pragma once
// One SSH session to one host, and the engine streams opened over it.
//
// Thread-safety: a session is NOT thread-safe.  The session, every copy of
// it, every stream it opened and every Dialer it made share one libssh2
// session: use them from one thread at a time.

#include <chrono>
#include <memory>
#include <string>

#include "reconciler/transport/ssh_options.h"
#include "reconciler/transport/stream.h"
#include "reconciler/util/result.h"

namespace swarmform::transport {

struct SshConnection;

/// An authenticated SSH session whose host key was checked against
/// known_hosts.  Copies share the session; it is closed when the last copy,
/// stream and dialer are gone.  A session that broke (server gone) stays
/// broken: connect again.
class SshSession {
 public:
  /// Connects, handshakes, verifies the host key and authenticates, each
  /// step bounded by options.timeout.  Every failure's message reads
  /// "LABEL (USER@ADDRESS:PORT): STAGE failed: CAUSE" with STAGE one of
  /// connect, handshake, host key verification, auth; a timeout has
  /// ErrorKind::timeout, a refusal (host key, auth) ErrorKind::refused.
  static Result<SshSession> connect(SshOptions options);

  /// Opens a new channel to the engine, as options.mode says:
  /// streamlocal (a direct-streamlocal@openssh.com channel to
  /// options.docker_socket), dial_stdio (an exec channel running the fixed
  /// command `docker system dial-stdio`), or automatic (streamlocal, and when
  /// sshd refuses that channel type, dial-stdio; the choice is kept for the
  /// rest of the session).  The stream keeps the session alive.  Failures
  /// read "LABEL (USER@ADDRESS:PORT): channel failed: CAUSE".
  Result<std::unique_ptr<Stream>> open_engine_stream();

  /// Changes the time limit of every later blocking step of this session
  /// (channel opens, and each read or write of its streams, open ones
  /// included), e.g. for an engine call known to take long.
  void set_timeout(std::chrono::milliseconds timeout);

  /// A Dialer calling open_engine_stream() on this session (sharing it).
  [[nodiscard]] Dialer dialer() const;

  /// "kvm4 (root@127.0.0.1:22404)"
  [[nodiscard]] std::string describe() const;

 private:
  explicit SshSession(std::shared_ptr<SshConnection> conn) : conn_(std::move(conn)) {}
  std::shared_ptr<SshConnection> conn_;
};

}  // namespace swarmform::transport
