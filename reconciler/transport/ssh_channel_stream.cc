#include "reconciler/transport/ssh_channel_stream.h"

#include <poll.h>

#include <algorithm>
#include <array>
#include <chrono>

namespace swarmform::transport {

SshChannelStream::SshChannelStream(std::shared_ptr<SshConnection> conn, ChannelPtr channel,
                                   ChannelKind kind, std::string description)
    : conn_(std::move(conn)),
      channel_(std::move(channel)),
      kind_(kind),
      description_(std::move(description)) {}

Error SshChannelStream::channel_error(const std::string& what, int rc) const {
  if (is_timeout(rc)) {
    return Error{ErrorKind::timeout,
                 description_ + ": timed out after " +
                     std::to_string(conn_->options.timeout.count()) + " ms " + what,
                 0};
  }
  return Error{ErrorKind::failed,
               description_ + ": " + what + ": " + last_error(conn_->session.get()), 0};
}

Result<void> SshChannelStream::write_all(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = libssh2_channel_write(channel_.get(), data.data(), data.size());
    if (n < 0) return fail(channel_error("writing", static_cast<int>(n)));
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<std::size_t> SshChannelStream::read_some(std::span<char> buf) {
  if (buf.empty()) return fail(description_ + ": read_some with an empty buffer");
  const auto deadline = std::chrono::steady_clock::now() + conn_->options.timeout;
  for (;;) {
    ssize_t n = libssh2_channel_read(channel_.get(), buf.data(), buf.size());
    if (n > 0) {
      received_data_ = true;
      return static_cast<std::size_t>(n);
    }
    if (n < 0) return fail(channel_error("waiting for data", static_cast<int>(n)));
    if (libssh2_channel_eof(channel_.get()) != 0) {
      if (kind_ == ChannelKind::dial_stdio && !received_data_) SF_TRY(check_dial_stdio_exit());
      return 0;
    }
    // libssh2 1.10 can return 0 without EOF after draining packets that held
    // nothing for this channel's stdout (window adjustments, stderr data).
    // Drain stderr so its window never stalls the peer, then sleep until the
    // socket has more to read instead of spinning.
    std::array<char, 1024> discard{};
    while (libssh2_channel_read_stderr(channel_.get(), discard.data(), discard.size()) > 0) {
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return fail(channel_error("waiting for data", LIBSSH2_ERROR_TIMEOUT));
    pollfd pfd{conn_->socket.get(), POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    poll(&pfd, 1, static_cast<int>(std::min<long long>(left, 100)));
  }
}

Result<void> SshChannelStream::check_dial_stdio_exit() {
  std::string err;
  std::array<char, 1024> chunk{};
  for (ssize_t n = 0;
       (n = libssh2_channel_read_stderr(channel_.get(), chunk.data(), chunk.size())) > 0;) {
    if (err.size() < 4096) err.append(chunk.data(), static_cast<std::size_t>(n));
  }
  // The exit status may arrive after the EOF; it is certainly there once the
  // server closed the channel.
  libssh2_channel_wait_closed(channel_.get());
  int status = libssh2_channel_get_exit_status(channel_.get());
  while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) err.pop_back();
  if (status == 0 && err.empty()) return {};
  return fail(description_ + ": `docker system dial-stdio` exited with status " +
              std::to_string(status) + " before sending anything" +
              (err.empty() ? std::string() : ": " + err));
}

}  // namespace swarmform::transport
