#pragma once
// A Stream to a Docker engine's local unix socket (e.g. /var/run/docker.sock).

#include <chrono>
#include <memory>
#include <string>

#include "reconciler/transport/stream.h"

namespace swarmform::transport {

/// Connects to the unix stream socket at `path` within `timeout`.
/// On success the caller owns the stream; its reads and writes time out after
/// `timeout` of silence.  On failure the message names the path and the cause:
/// a missing socket ("no socket at PATH: is dockerd running?"), a permission
/// problem, a stale socket nobody listens on (ErrorKind::refused), or
/// ErrorKind::timeout when the listener does not accept in time.
Result<std::unique_ptr<Stream>> connect_unix_socket(const std::string& path,
                                                    std::chrono::milliseconds timeout);

/// A Dialer that calls connect_unix_socket(path, timeout) each time.
Dialer unix_socket_dialer(std::string path, std::chrono::milliseconds timeout);

}  // namespace swarmform::transport
