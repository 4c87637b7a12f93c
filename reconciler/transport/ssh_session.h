#pragma once
// One SSH session to one host, and the engine streams opened over it.
//
// Thread-safety: a session is NOT thread-safe.  The session, every copy of
// it, every stream it opened and every Dialer it made share one libssh2
// session: use them from one thread at a time.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "reconciler/transport/ssh_options.h"
#include "reconciler/transport/stream.h"
#include "reconciler/util/result.h"

namespace swarmform::transport {

struct SshConnection;

/// The host key a session's server presented and how it passed the check.
struct VerifiedHostKey {
  std::string type;         ///< "ED25519", "RSA", ...
  std::string fingerprint;  ///< "SHA256:..." as `ssh-keygen -lf` prints it
  bool recorded = false;    ///< new, and recorded in known_hosts by this session
};

/// What a command run over an exec channel printed.
struct CommandOutput {
  std::string out;
  std::string err;
  /// The command's exit status; -1 when a signal ended it.
  int exit_status = 0;
};

/// An authenticated SSH session whose host key was checked against
/// known_hosts.  Copies share the session; it is closed when the last copy,
/// stream and dialer are gone.  A session that broke (server gone) stays
/// broken: connect again.
class SshSession {
 public:
  /// Connects, handshakes, verifies the host key and authenticates, each
  /// step bounded by options.timeout.  Every later step (channel opens,
  /// reads, writes) is bounded by it too, gives up kStopGrace after
  /// options.stop is requested, and gives up at once when options.link is
  /// lost; a timeout, EOF or socket error marks options.link lost.  Every failure's message reads
  /// "LABEL (USER@ADDRESS:PORT): STAGE failed: CAUSE" with STAGE one of
  /// connect, handshake, host key verification, auth; a timeout has
  /// ErrorKind::timeout, a refusal (host key, auth) ErrorKind::refused.
  static Result<SshSession> connect(SshOptions options);

  /// Opens a new channel to the engine at options.docker_socket, as
  /// options.mode says: streamlocal (a direct-streamlocal@openssh.com
  /// channel), dial_stdio (an exec channel running dial_stdio_command), or
  /// automatic (streamlocal, and when sshd turns that channel down,
  /// dial-stdio on the same socket; the choice is kept for the rest of the
  /// session).  sshd cannot be told apart refusing forwarding from a missing
  /// socket, so a missing socket fails through dial-stdio, naming the socket:
  /// no transport ever reaches another engine.  The stream keeps the session
  /// alive.  Failures read "LABEL (USER@ADDRESS:PORT): channel failed: CAUSE";
  /// a session that broke (or whose host link another session lost) fails at
  /// once.
  Result<std::unique_ptr<Stream>> open_engine_stream();

  /// Runs `command` in a new session channel (exec), sends EOF at once (no
  /// input), and returns what it printed: stdout and stderr (each cut at
  /// `max_output` bytes) and its exit status.  `command` must be a fixed
  /// string of the program: no input of any kind goes into a remote command
  /// line.  A server that refuses exec (e.g. a key restricted to
  /// port-forwarding) is ErrorKind::refused; a forced `command=` in
  /// authorized_keys runs instead of `command` and its output comes back:
  /// the caller checks what it reads.  Failures read "LABEL (USER@ADDRESS:PORT):
  /// channel failed: ..." (a timeout: ErrorKind::timeout; the time limit bounds
  /// each silent stretch, as for a stream's reads) or, when sshd would not
  /// open the channel or run the command, "LABEL (...): running `COMMAND`
  /// refused by sshd: ..." (ErrorKind::refused).
  Result<CommandOutput> run_command(const std::string& command, std::size_t max_output = 1 << 20);

  /// Changes the time limit of every later blocking step of this session
  /// (channel opens, and each read or write of its streams, open ones
  /// included), e.g. for an engine call known to take long.
  void set_timeout(std::chrono::milliseconds timeout);

  /// A Dialer calling open_engine_stream() on this session (sharing it).
  [[nodiscard]] Dialer dialer() const;

  /// "kvm4 (root@127.0.0.1:22404)"
  [[nodiscard]] std::string describe() const;

  /// The server's host key, checked against known_hosts when connecting.
  [[nodiscard]] const VerifiedHostKey& host_key() const;

 private:
  explicit SshSession(std::shared_ptr<SshConnection> conn) : conn_(std::move(conn)) {}
  std::shared_ptr<SshConnection> conn_;
};

/// `word` in single quotes for a POSIX shell ('\'' for a quote inside).
std::string shell_quote(std::string_view word);

/// The command dial-stdio runs on the remote host:
/// `docker -H 'unix://SOCKET' system dial-stdio`, the socket quoted, so it
/// reaches the same engine as streamlocal whatever the remote CLI's default.
std::string dial_stdio_command(std::string_view docker_socket);

}  // namespace swarmform::transport
