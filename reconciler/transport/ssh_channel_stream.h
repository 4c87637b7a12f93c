#pragma once
// A Stream over one libssh2 channel of a shared SSH session.

#include <memory>
#include <string>

#include "reconciler/transport/libssh2_handles.h"
#include "reconciler/transport/ssh_connection.h"
#include "reconciler/transport/stream.h"

namespace swarmform::transport {

enum class ChannelKind { streamlocal, dial_stdio };

/// Reads and writes one channel with the session's timeout (each step
/// through SshWait).  Keeps the session alive while it exists; closes the
/// channel on destruction, waiting at most kTeardownBound for the peer, and
/// not at all once the session broke.  Not thread-safe, and not usable from
/// another thread than the session's other streams.
class SshChannelStream final : public Stream {
 public:
  SshChannelStream(std::shared_ptr<SshConnection> conn, ChannelPtr channel, ChannelKind kind,
                   std::string description);
  ~SshChannelStream() override;
  SshChannelStream(const SshChannelStream&) = delete;
  SshChannelStream& operator=(const SshChannelStream&) = delete;

  Result<void> write_all(std::string_view data) override;
  /// At EOF returns 0.  A dial-stdio channel that ends before sending any
  /// byte fails instead, with the remote command's exit status and stderr.
  /// REQUIRES: !buf.empty().
  Result<std::size_t> read_some(std::span<char> buf) override;
  [[nodiscard]] std::string describe() const override { return description_; }

 private:
  Error channel_error(const std::string& what, int rc) const;
  Result<void> check_dial_stdio_exit();
  void drain_stderr();

  // Declared before `channel_` so the channel is freed while the session lives.
  std::shared_ptr<SshConnection> conn_;
  ChannelPtr channel_;
  ChannelKind kind_;
  std::string description_;
  bool received_data_ = false;
  std::string stderr_;  ///< the first 4 KiB the remote command wrote to stderr
};

}  // namespace swarmform::transport
