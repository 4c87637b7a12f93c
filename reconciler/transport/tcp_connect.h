#pragma once
// A TCP connection with a deadline.

#include <chrono>
#include <cstdint>
#include <string>

#include "reconciler/util/result.h"
#include "reconciler/util/unique_fd.h"

namespace swarmform::transport {

/// Resolves `address` (a name or a numeric IPv4/IPv6 address) and connects
/// to the first address that answers on `port` within `timeout` overall.
/// On success the caller owns the connected socket (blocking mode, CLOEXEC).
/// On failure: ErrorKind::timeout when time ran out, ErrorKind::refused when
/// the port is closed, ErrorKind::not_found when the name does not resolve.
/// Name resolution itself is not bounded by `timeout` (getaddrinfo has no
/// deadline).
Result<UniqueFd> tcp_connect(const std::string& address, uint16_t port,
                             std::chrono::milliseconds timeout);

}  // namespace swarmform::transport
