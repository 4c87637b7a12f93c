#include "reconciler/transport/ssh_session.h"

#include <spdlog/spdlog.h>

#include <array>
#include <cstdlib>
#include <optional>

#include "reconciler/transport/host_key_verification.h"
#include "reconciler/transport/known_hosts.h"
#include "reconciler/transport/libssh2_handles.h"
#include "reconciler/transport/ssh_auth.h"
#include "reconciler/transport/ssh_channel_stream.h"
#include "reconciler/transport/ssh_connection.h"
#include "reconciler/transport/tcp_connect.h"

namespace swarmform::transport {
namespace {

using model::TransportMode;

constexpr std::string_view kStreamLocal = "direct-streamlocal@openssh.com";

Error stage_error(const SshOptions& o, const std::string& stage, const Error& cause) {
  return Error{cause.kind, o.label() + ": " + stage + " failed: " + cause.message, 0};
}

/// Fails with "STAGE failed: WHAT: LIBSSH2-ERROR", kind from the libssh2 code.
Error libssh2_stage_error(const SshConnection& c, const std::string& stage, const std::string& what,
                          int rc) {
  std::string cause = what;
  if (is_timeout(rc)) {
    cause += ": timed out after " + std::to_string(c.options.timeout.count()) + " ms";
  }
  cause += " (" + last_error(c.session.get()) + ")";
  return stage_error(c.options, stage, Error{kind_of(rc), cause, 0});
}

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

void append_ssh_string(std::string& out, std::string_view s) {
  const auto n = static_cast<uint32_t>(s.size());
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
  out.append(s);
}

Result<void> handshake(SshConnection& c, const KnownHosts& known) {
  const SshOptions& o = c.options;
  c.session = new_session();
  if (!c.session) {
    return fail(
        stage_error(o, "handshake", Error{ErrorKind::failed, "libssh2 failed to initialise", 0}));
  }
  libssh2_session_set_blocking(c.session.get(), 1);
  libssh2_session_set_timeout(c.session.get(), static_cast<long>(o.timeout.count()));
  const std::string algorithms = host_key_algorithms(known.key_types_for(o.address, o.port));
  if (libssh2_session_method_pref(c.session.get(), LIBSSH2_METHOD_HOSTKEY, algorithms.c_str()) !=
      0) {
    return fail(libssh2_stage_error(c, "handshake", "setting host key algorithms " + algorithms,
                                    last_errno(c.session.get())));
  }
  int rc = libssh2_session_handshake(c.session.get(), c.socket.get());
  if (rc == LIBSSH2_ERROR_BANNER_RECV) {
    return fail(libssh2_stage_error(
        c, "handshake",
        "SSH handshake: the server sent no SSH banner (it closed the connection, or is not an "
        "SSH server)",
        rc));
  }
  if (rc != 0) return fail(libssh2_stage_error(c, "handshake", "SSH handshake", rc));
  c.handshaken = true;
  return {};
}

Result<void> check_host_key(SshConnection& c, const KnownHosts& known) {
  const SshOptions& o = c.options;
  std::size_t len = 0;
  int type = 0;
  const char* blob = libssh2_session_hostkey(c.session.get(), &len, &type);
  if (blob == nullptr) {
    return fail(libssh2_stage_error(c, "host key verification", "reading the server's host key",
                                    last_errno(c.session.get())));
  }
  auto key = HostKey::from_blob(std::string(blob, len));
  if (!key) return fail(stage_error(o, "host key verification", key.error()));
  auto verified =
      verify_host_key(known, o.address, o.port, *key,
                      o.accept_new_host_keys ? NewHostKeys::accept : NewHostKeys::refuse);
  if (!verified) return fail(stage_error(o, "host key verification", verified.error()));
  c.host_key = {key->display_type(), key->fingerprint(), *verified == HostKeyOutcome::recorded};
  return {};
}

/// Opens a channel with `open` (a libssh2 call returning null on failure),
/// looping on EAGAIN.  A failure is "LABEL: channel failed: WHAT (libssh2's error)".
/// `refused` is added to WHAT when sshd turned the channel down.
template <class Open>
Result<ChannelPtr> open_channel(SshConnection& c, const std::string& what, Open open,
                                const std::string& refused = "") {
  SF_TRY(c.check_usable());
  SshWait wait(c, c.options.label() + ": channel failed", what);
  for (;;) {
    ChannelPtr channel(open());
    if (channel) return channel;
    const int rc = last_errno(c.session.get());
    if (rc != LIBSSH2_ERROR_EAGAIN) {
      const std::string cause = rc == LIBSSH2_ERROR_CHANNEL_FAILURE ? what + refused : what;
      return fail(c.failed(rc, libssh2_stage_error(c, "channel", cause, rc)));
    }
    SF_TRY(wait.wait());
  }
}

Result<ChannelPtr> open_streamlocal(SshConnection& c) {
  std::string message;
  append_ssh_string(message, c.options.docker_socket);
  append_ssh_string(message, "");  // reserved: originator address
  message.append(4, '\0');         // reserved: originator port
  spdlog::trace("{}: opening a {} channel to {}", c.options.label(), kStreamLocal,
                c.options.docker_socket);
  // OpenSSH answers "connect failed" both when its config forbids the
  // channel and when nothing listens at the path: say both.
  return open_channel(
      c, "opening a " + std::string(kStreamLocal) + " channel to " + c.options.docker_socket,
      [&] {
        return libssh2_channel_open_ex(
            c.session.get(), kStreamLocal.data(), static_cast<unsigned>(kStreamLocal.size()),
            LIBSSH2_CHANNEL_WINDOW_DEFAULT, LIBSSH2_CHANNEL_PACKET_DEFAULT, message.data(),
            static_cast<unsigned>(message.size()));
      },
      " (sshd refused it: either forwarding is disabled there (AllowTcpForwarding or "
      "AllowStreamLocalForwarding no; transport auto then runs `docker system dial-stdio` on "
      "the same socket) or nothing listens at that path (is dockerd running, is docker_socket "
      "right?))");
}

/// True when sshd turned the streamlocal channel down (as opposed to the
/// session failing).  RFC 4254 tells "administratively prohibited" (1) from
/// "connect failed" (2), and libssh2 1.10 names the reason in its message,
/// but OpenSSH 9.2 answers 2 ("open failed") both when its configuration
/// forbids the channel and when nothing listens at the path.  Both count:
/// the fallback is told the same socket (dial_stdio_command), so it reaches
/// the declared engine or fails naming it, never another engine.
bool streamlocal_refused(SshConnection& c) {
  return !c.broken && last_errno(c.session.get()) == LIBSSH2_ERROR_CHANNEL_FAILURE;
}

Result<ChannelPtr> open_dial_stdio(SshConnection& c) {
  const std::string command = dial_stdio_command(c.options.docker_socket);
  spdlog::trace("{}: opening a session channel to run `{}`", c.options.label(), command);
  SF_TRY_ASSIGN(ChannelPtr channel, open_channel(c, "opening a session channel", [&] {
                  return libssh2_channel_open_session(c.session.get());
                }));
  SshWait wait(c, c.options.label() + ": channel failed", "running `" + command + "`");
  for (;;) {
    int rc = libssh2_channel_exec(channel.get(), command.c_str());
    if (rc == 0) return channel;
    if (rc != LIBSSH2_ERROR_EAGAIN) {
      return fail(c.failed(rc, libssh2_stage_error(c, "channel", "running `" + command + "`", rc)));
    }
    SF_TRY(wait.wait());
  }
}

/// "LABEL: running `CMD` refused by sshd: HOW (libssh2's error); ..." for a
/// server that would not run a command.
Error exec_refused(const SshConnection& c, const std::string& command, const std::string& how) {
  return Error{ErrorKind::refused,
               c.options.label() + ": running `" + command + "` refused by sshd: " + how + " (" +
                   last_error(c.session.get()) +
                   "); the server runs no commands for this user or key (sshd's MaxSessions 0, "
                   "a key restricted in authorized_keys, a gateway that only forwards)",
               0};
}

/// Appends `n` bytes of `chunk` to `out`, keeping at most `max` bytes in all.
void append_capped(std::string& out, const char* chunk, std::size_t n, std::size_t max) {
  if (out.size() < max) out.append(chunk, std::min(n, max - out.size()));
}

/// Reads whatever `channel` has on one stream (0: stdout, else stderr) without
/// waiting.  Returns true when it read something.
Result<bool> read_available(SshConnection& c, LIBSSH2_CHANNEL* channel, int stream,
                            std::string& out, std::size_t max, const std::string& what) {
  std::array<char, 16384> chunk{};
  bool progress = false;
  for (;;) {
    const ssize_t n = libssh2_channel_read_ex(channel, stream, chunk.data(), chunk.size());
    if (n > 0) {
      append_capped(out, chunk.data(), static_cast<std::size_t>(n), max);
      progress = true;
      continue;
    }
    if (n == 0 || n == LIBSSH2_ERROR_EAGAIN) return progress;
    const int rc = static_cast<int>(n);
    return fail(c.failed(rc, libssh2_stage_error(c, "channel", what, rc)));
  }
}

std::string stream_description(const SshOptions& o, TransportMode mode) {
  std::string how = (mode == TransportMode::dial_stdio ? "dial-stdio " : "streamlocal ") + o.docker_socket;
  return o.host_label + " (" + o.user + "@" + o.address + ":" + std::to_string(o.port) + ", " +
         how + ")";
}

}  // namespace

std::string shell_quote(std::string_view word) {
  std::string out = "'";
  for (char ch : word) {
    if (ch == '\'') {
      out += "'\\''";
    } else {
      out += ch;
    }
  }
  return out + "'";
}

std::string dial_stdio_command(std::string_view docker_socket) {
  return "docker -H " + shell_quote("unix://" + std::string(docker_socket)) + " system dial-stdio";
}

Result<SshSession> SshSession::connect(SshOptions options) {
  auto c = std::make_shared<SshConnection>();
  c->options = std::move(options);
  const SshOptions& o = c->options;
  if (o.known_hosts.empty()) {
    return fail(stage_error(o, "host key verification",
                            Error{ErrorKind::failed, "no known_hosts file is configured", 0}));
  }
  auto known = KnownHosts::load(o.known_hosts);
  if (!known) return fail(stage_error(o, "host key verification", known.error()));

  spdlog::trace("{}: TCP connect", o.label());
  // The host unreachable, or not speaking SSH: the other sessions of the
  // run to it need not wait for it either.
  auto link_lost = [&o](const Error& e) {
    if (o.link) o.link->mark_lost(e);
    return fail(e);
  };
  auto socket = tcp_connect(o.address, o.port, o.timeout);
  if (!socket) return link_lost(stage_error(o, "connect", socket.error()));
  c->socket = std::move(*socket);

  spdlog::trace("{}: SSH handshake", o.label());
  if (auto shaken = handshake(*c, *known); !shaken) return link_lost(shaken.error());
  spdlog::trace("{}: checking the host key against {}", o.label(), o.known_hosts);
  SF_TRY(check_host_key(*c, *known));

  AuthRequest auth{o.user, o.identity, env_or_empty("SWARMFORM_SSH_PASSPHRASE"),
                   env_or_empty("SSH_AUTH_SOCK")};
  spdlog::trace("{}: authenticating with {}", o.label(),
                o.identity ? *o.identity : std::string("the ssh-agent"));
  auto authed = authenticate(c->session.get(), auth);
  if (!authed) return fail(stage_error(o, "auth", authed.error()));
  // From here on every step waits through SshWait: bounded, and it notices
  // a stop request or another session losing the link.
  libssh2_session_set_blocking(c->session.get(), 0);
  spdlog::trace("{}: authenticated", o.label());
  return SshSession(std::move(c));
}

Result<std::unique_ptr<Stream>> SshSession::open_engine_stream() {
  SshConnection& c = *conn_;
  SF_TRY(c.check_usable());
  TransportMode mode = c.resolved_mode.value_or(c.options.mode);
  Result<ChannelPtr> channel = fail("no channel");
  if (mode == TransportMode::dial_stdio) {
    channel = open_dial_stdio(c);
  } else {
    channel = open_streamlocal(c);
    if (!channel && mode == TransportMode::automatic && streamlocal_refused(c)) {
      spdlog::warn("{}: sshd did not open a {} channel to {} ({}); falling back to `{}`",
                   c.options.label(), kStreamLocal, c.options.docker_socket,
                   last_error_message(c.session.get()),
                   dial_stdio_command(c.options.docker_socket));
      Error streamlocal_error = channel.error();
      mode = TransportMode::dial_stdio;
      channel = open_dial_stdio(c);
      if (!channel) {
        return fail(Error{channel.error().kind,
                          channel.error().message + "; before that, " + streamlocal_error.message,
                          0});
      }
    } else if (channel) {
      mode = TransportMode::streamlocal;
    }
  }
  if (!channel) return fail(channel.error());
  if (c.options.mode == TransportMode::automatic) c.resolved_mode = mode;
  ChannelKind kind =
      mode == TransportMode::dial_stdio ? ChannelKind::dial_stdio : ChannelKind::streamlocal;
  return std::make_unique<SshChannelStream>(conn_, std::move(*channel), kind,
                                            stream_description(c.options, mode));
}

Result<CommandOutput> SshSession::run_command(const std::string& command, std::size_t max_output) {
  SshConnection& c = *conn_;
  const std::string label = c.options.label();
  const std::string running = "running `" + command + "`";
  spdlog::trace("{}: opening a session channel to run `{}`", label, command);
  auto opened = open_channel(c, "opening a session channel to run `" + command + "`", [&] {
    return libssh2_channel_open_session(c.session.get());
  });
  if (!opened) {
    // sshd turning the channel down (MaxSessions 0, ...) is a refusal, not a
    // failure of the link.
    if (!c.broken && last_errno(c.session.get()) == LIBSSH2_ERROR_CHANNEL_FAILURE) {
      return fail(exec_refused(c, command, "it did not open a session channel"));
    }
    return fail(opened.error());
  }
  ChannelPtr channel = std::move(*opened);
  // Closed politely however this ends (the peer is not left with a
  // half-open channel); not waited on once the session broke.
  struct Closer {
    SshConnection& c;
    ChannelPtr& channel;
    std::string description;
    ~Closer() { close_channel(c, channel, description); }
  } closer{c, channel, label + ": " + running};

  {
    SshWait wait(c, label + ": channel failed", running);
    for (;;) {
      const int rc = libssh2_channel_exec(channel.get(), command.c_str());
      if (rc == 0) break;
      if (rc == LIBSSH2_ERROR_CHANNEL_REQUEST_DENIED) {
        return fail(exec_refused(c, command, "it turned the exec request down"));
      }
      if (rc != LIBSSH2_ERROR_EAGAIN) {
        return fail(c.failed(rc, libssh2_stage_error(c, "channel", running, rc)));
      }
      SF_TRY(wait.wait());
    }
  }
  spdlog::trace("{}: `{}` started; sending EOF (no input)", label, command);
  {
    SshWait wait(c, label + ": channel failed", "sending EOF to `" + command + "`");
    for (;;) {
      const int rc = libssh2_channel_send_eof(channel.get());
      if (rc == 0) break;
      if (rc != LIBSSH2_ERROR_EAGAIN) {
        return fail(c.failed(
            rc, libssh2_stage_error(c, "channel", "sending EOF to `" + command + "`", rc)));
      }
      SF_TRY(wait.wait());
    }
  }

  // Both streams are read as they come (a full stderr window would stall
  // stdout); each is kept up to max_output bytes and drained past it.  The
  // time limit bounds each silent stretch, as for a stream's reads.
  CommandOutput out;
  const std::string reading = "reading the output of `" + command + "`";
  std::optional<SshWait> wait;
  wait.emplace(c, label + ": channel failed", "waiting for the output of `" + command + "`");
  for (;;) {
    SF_TRY_ASSIGN(bool got_out, read_available(c, channel.get(), 0, out.out, max_output, reading));
    SF_TRY_ASSIGN(bool got_err, read_available(c, channel.get(), SSH_EXTENDED_DATA_STDERR, out.err,
                                               max_output, reading));
    if (libssh2_channel_eof(channel.get()) != 0) break;
    if (got_out || got_err) {
      wait.emplace(c, label + ": channel failed", "waiting for the output of `" + command + "`");
      continue;
    }
    SF_TRY(wait->wait());
  }
  // The exit status may come after the EOF; it is certainly there once the
  // server closed the channel.
  {
    SshWait closing(c, label + ": channel failed", "waiting for `" + command + "` to exit");
    for (;;) {
      const int rc = libssh2_channel_wait_closed(channel.get());
      if (rc == 0) break;
      if (rc != LIBSSH2_ERROR_EAGAIN) {
        return fail(c.failed(
            rc, libssh2_stage_error(c, "channel", "waiting for `" + command + "` to exit", rc)));
      }
      SF_TRY(closing.wait());
    }
  }
  out.exit_status = libssh2_channel_get_exit_status(channel.get());
  char* signal = nullptr;
  std::size_t signal_len = 0;
  if (libssh2_channel_get_exit_signal(channel.get(), &signal, &signal_len, nullptr, nullptr,
                                      nullptr, nullptr) == 0 &&
      signal != nullptr) {
    // Killed by a signal: sshd sends no exit status (libssh2 then says 0).
    spdlog::trace("{}: `{}` was killed by signal {}", label, command,
                  std::string_view(signal, signal_len));
    libssh2_free(c.session.get(), signal);
    out.exit_status = -1;
  }
  spdlog::trace("{}: `{}` exited with status {} ({} bytes out, {} bytes err)", label, command,
                out.exit_status, out.out.size(), out.err.size());
  return out;
}

void SshSession::set_timeout(std::chrono::milliseconds timeout) {
  conn_->options.timeout = timeout;
  libssh2_session_set_timeout(conn_->session.get(), static_cast<long>(timeout.count()));
}

Dialer SshSession::dialer() const {
  return [session = *this]() mutable { return session.open_engine_stream(); };
}

std::string SshSession::describe() const { return conn_->options.label(); }

const VerifiedHostKey& SshSession::host_key() const { return conn_->host_key; }

}  // namespace swarmform::transport
