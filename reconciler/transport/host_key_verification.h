#pragma once
// Strict host key checking: what to do with the key a server presented,
// given a known_hosts file.  Decides and explains; it does no network I/O.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reconciler/transport/host_key.h"
#include "reconciler/transport/known_hosts.h"
#include "reconciler/util/result.h"

namespace swarmform::transport {

/// What to do with a host that known_hosts does not know at all.
enum class NewHostKeys { refuse, accept };

/// How a host key passed: it was in known_hosts, or it was new and has just
/// been recorded there (NewHostKeys::accept).
enum class HostKeyOutcome { known, recorded };

/// Succeeds (HostKeyOutcome::known) when `known` holds `presented` for `host`:`port`.
/// Unknown host: with NewHostKeys::refuse fails (ErrorKind::refused) with the
/// key type and SHA256 fingerprint and how to trust it; with ::accept appends
/// the key to the file (append_known_host), logs a warning and succeeds
/// (HostKeyOutcome::recorded).
/// Changed key (or an entry of another key type): always fails
/// (ErrorKind::refused) with "REMOTE HOST IDENTIFICATION HAS CHANGED", both
/// fingerprints and the offending lines; no NewHostKeys value overrides it.
Result<HostKeyOutcome> verify_host_key(const KnownHosts& known, std::string_view host, uint16_t port,
                             const HostKey& presented, NewHostKeys new_keys);

/// The host key algorithms to offer in the handshake, comma-separated: the
/// types `known_types` lists first (so the server proves the key that is
/// pinned), then the rest in OpenSSH's order, limited to what libssh2 1.10
/// supports.
std::string host_key_algorithms(const std::vector<std::string>& known_types);

}  // namespace swarmform::transport
