#include "reconciler/transport/ssh_channel_stream.h"

#include <array>

#include "reconciler/transport/ssh_session.h"

namespace swarmform::transport {

SshChannelStream::SshChannelStream(std::shared_ptr<SshConnection> conn, ChannelPtr channel,
                                   ChannelKind kind, std::string description)
    : conn_(std::move(conn)),
      channel_(std::move(channel)),
      kind_(kind),
      description_(std::move(description)) {}

SshChannelStream::~SshChannelStream() { close_channel(*conn_, channel_, description_); }

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
  SF_TRY(conn_->check_usable());
  SshWait wait(*conn_, description_, "writing");
  while (!data.empty()) {
    ssize_t n = libssh2_channel_write(channel_.get(), data.data(), data.size());
    if (n == LIBSSH2_ERROR_EAGAIN) {
      SF_TRY(wait.wait());
      continue;
    }
    if (n < 0) {
      return fail(conn_->failed(static_cast<int>(n), channel_error("writing", static_cast<int>(n))));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<std::size_t> SshChannelStream::read_some(std::span<char> buf) {
  if (buf.empty()) return fail(description_ + ": read_some with an empty buffer");
  SF_TRY(conn_->check_usable());
  SshWait wait(*conn_, description_, "waiting for data");
  for (;;) {
    ssize_t n = libssh2_channel_read(channel_.get(), buf.data(), buf.size());
    if (n > 0) {
      received_data_ = true;
      return static_cast<std::size_t>(n);
    }
    if (n < 0 && n != LIBSSH2_ERROR_EAGAIN) {
      return fail(conn_->failed(static_cast<int>(n),
                                channel_error("waiting for data", static_cast<int>(n))));
    }
    if (libssh2_channel_eof(channel_.get()) != 0) {
      if (kind_ == ChannelKind::dial_stdio && !received_data_) SF_TRY(check_dial_stdio_exit());
      return 0;
    }
    drain_stderr();
    SF_TRY(wait.wait());
  }
}

void SshChannelStream::drain_stderr() {
  // Read stderr (dial-stdio's) as it comes, so its window never stalls the
  // peer; its start is kept for the error when the command fails.
  std::array<char, 1024> chunk{};
  for (ssize_t n = 0;
       (n = libssh2_channel_read_stderr(channel_.get(), chunk.data(), chunk.size())) > 0;) {
    if (stderr_.size() < 4096) stderr_.append(chunk.data(), static_cast<std::size_t>(n));
  }
}

Result<void> SshChannelStream::check_dial_stdio_exit() {
  // The exit status may arrive after the EOF; it is certainly there once the
  // server closed the channel.
  SshWait wait(*conn_, description_, "waiting for `docker system dial-stdio` to exit");
  for (;;) {
    drain_stderr();
    int rc = libssh2_channel_wait_closed(channel_.get());
    if (rc != LIBSSH2_ERROR_EAGAIN) break;
    SF_TRY(wait.wait());
  }
  drain_stderr();
  int status = libssh2_channel_get_exit_status(channel_.get());
  std::string err = stderr_;
  while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) err.pop_back();
  if (status == 0 && err.empty()) return {};
  return fail(description_ + ": `" + dial_stdio_command(conn_->options.docker_socket) + "` exited with status " +
              std::to_string(status) + " before sending anything" +
              (err.empty() ? std::string() : ": " + err));
}

}  // namespace swarmform::transport
