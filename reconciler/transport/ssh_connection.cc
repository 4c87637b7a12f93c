#include "reconciler/transport/ssh_connection.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>

namespace swarmform::transport {

using Clock = std::chrono::steady_clock;

bool is_link_error(int rc) {
  switch (rc) {
    case LIBSSH2_ERROR_SOCKET_SEND:
    case LIBSSH2_ERROR_SOCKET_RECV:
    case LIBSSH2_ERROR_SOCKET_DISCONNECT:
    case LIBSSH2_ERROR_SOCKET_TIMEOUT:
    case LIBSSH2_ERROR_TIMEOUT:
    case LIBSSH2_ERROR_BAD_SOCKET:
      return true;
    default:
      return false;
  }
}

SshConnection::~SshConnection() {
  if (!session || !handshaken || broken) return;
  libssh2_session_set_blocking(session.get(), 1);
  libssh2_session_set_timeout(
      session.get(), static_cast<long>(std::min(options.timeout, kTeardownBound).count()));
  libssh2_session_disconnect(session.get(), "swarmform done");
}

Result<void> SshConnection::check_usable() {
  if (broken) return fail(*broken);
  if (options.link) {
    if (auto lost = options.link->lost()) {
      Error cause{lost->kind, options.label() + ": the connection to this host was lost: " +
                                  lost->message, 0};
      mark_broken(cause, LinkLoss::no);
      return fail(cause);
    }
  }
  return {};
}

void SshConnection::mark_broken(const Error& cause, LinkLoss loss) {
  if (!broken) {
    broken = cause;
    // Whatever libssh2 does next with this socket fails at once instead of
    // waiting on the peer.
    if (socket.valid()) ::shutdown(socket.get(), SHUT_RDWR);
  }
  if (loss == LinkLoss::yes && options.link) options.link->mark_lost(cause);
}

Error SshConnection::failed(int libssh2_code, Error error) {
  // A session broken on purpose (a stop request) fails its socket calls
  // next: that is not the link's fault.
  if (broken) return *broken;
  if (is_link_error(libssh2_code)) mark_broken(error, LinkLoss::yes);
  return error;
}

void close_channel(SshConnection& conn, ChannelPtr& channel, const std::string& description) {
  if (!channel || !conn.session) return;
  if (!conn.broken) {
    // A polite close waits for the peer's reply: briefly.  Once the session
    // broke its socket is shut down and the free below never waits.
    LIBSSH2_SESSION* s = conn.session.get();
    libssh2_session_set_blocking(s, 1);
    libssh2_session_set_timeout(
        s, static_cast<long>(std::min(conn.options.timeout, kTeardownBound).count()));
    int rc = libssh2_channel_close(channel.get());
    if (rc != 0 && is_link_error(rc)) {
      conn.mark_broken(
          Error{kind_of(rc), description + ": closing the channel: " + last_error(s), 0},
          LinkLoss::no);
    }
    libssh2_session_set_blocking(s, 0);
    // Back to the session's own limit for its later steps.
    libssh2_session_set_timeout(s, static_cast<long>(conn.options.timeout.count()));
  }
  channel.reset();
}

SshWait::SshWait(SshConnection& conn, std::string who, std::string what)
    : conn_(conn),
      who_(std::move(who)),
      what_(std::move(what)),
      deadline_(Clock::now() + conn.options.timeout) {}

Result<void> SshWait::wait() {
  SF_TRY(conn_.check_usable());
  const auto now = Clock::now();
  if (conn_.options.stop.stop_requested()) {
    if (!stop_deadline_) stop_deadline_ = now + kStopGrace;
    if (now >= *stop_deadline_) {
      Error e{ErrorKind::failed, who_ + ": stopped " + what_ + " (interrupted)", 0};
      conn_.mark_broken(e, LinkLoss::no);
      return fail(e);
    }
  }
  if (now >= deadline_) {
    Error e{ErrorKind::timeout,
            who_ + ": timed out after " + std::to_string(conn_.options.timeout.count()) + " ms " +
                what_,
            0};
    conn_.mark_broken(e, LinkLoss::yes);
    return fail(e);
  }
  const int dirs = libssh2_session_block_directions(conn_.session.get());
  short events = 0;
  if ((dirs & LIBSSH2_SESSION_BLOCK_INBOUND) != 0) events |= POLLIN;
  if ((dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND) != 0) events |= POLLOUT;
  if (events == 0) events = POLLIN;
  auto until = std::min(deadline_, stop_deadline_.value_or(deadline_));
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count();
  pollfd pfd{conn_.socket.get(), events, 0};
  // Short slices: a stop request and another session's loss are noticed.
  ::poll(&pfd, 1, static_cast<int>(std::clamp<long long>(left, 1, 100)));
  return {};
}

}  // namespace swarmform::transport
