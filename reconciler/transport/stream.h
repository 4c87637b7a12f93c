#pragma once
// A byte stream to one Docker engine.  The engine's HTTP client speaks over
// any Stream; transports (local unix socket, SSH streamlocal channel, SSH exec
// channel running `docker system dial-stdio`) produce them.

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "reconciler/util/result.h"

namespace swarmform::transport {

class Stream {
 public:
  virtual ~Stream() = default;
  Stream() = default;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  /// Writes all of `data`, or fails (ErrorKind::timeout when the peer stops
  /// reading for longer than the stream's timeout).
  virtual Result<void> write_all(std::string_view data) = 0;

  /// Reads at least one and at most buf.size() bytes; returns 0 only at end of
  /// stream.  Fails with ErrorKind::timeout after the stream's timeout.
  virtual Result<std::size_t> read_some(std::span<char> buf) = 0;

  /// Who is at the other end, for error messages:
  /// "kvm4 (root@127.0.0.1:22404, streamlocal /var/run/docker.sock)".
  [[nodiscard]] virtual std::string describe() const = 0;
};

/// Opens a new stream to the same engine.  The HTTP client calls it again when
/// the engine closed a kept-alive connection.
using Dialer = std::function<Result<std::unique_ptr<Stream>>()>;

}  // namespace swarmform::transport
