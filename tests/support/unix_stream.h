#pragma once
// A minimal unix-socket Stream for tests that talk to the lab's engines
// directly.  Test-only: the product's local transport is the transport
// module's.

#include <chrono>
#include <memory>
#include <string>

#include "reconciler/transport/stream.h"

namespace swarmform::testing {

/// Connects to the unix socket at `path`.  Reads and writes fail with
/// ErrorKind::timeout after `timeout` without progress.
Result<std::unique_ptr<transport::Stream>> connect_unix(
    const std::string& path, std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// A dialer calling connect_unix(path) each time; counts dials in *dials when given.
transport::Dialer unix_dialer(std::string path, int* dials = nullptr);

}  // namespace swarmform::testing
