#pragma once
// How to reach one host's Docker engine over SSH.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "reconciler/model/desired.h"
#include "reconciler/transport/host_key_verification.h"
#include "reconciler/transport/link_state.h"

namespace swarmform::transport {

struct SshOptions {
  std::string host_label;  ///< the name in error messages, e.g. "kvm4"
  std::string user = "root";
  std::string address;
  uint16_t port = 22;
  /// Private key file; absent: the keys of the ssh-agent at $SSH_AUTH_SOCK.
  /// An encrypted key's passphrase is read from $SWARMFORM_SSH_PASSPHRASE.
  std::optional<std::string> identity;
  /// The known_hosts file host keys are checked against (required).
  std::string known_hosts;
  /// Trust and record the key of a host the file has no entry for.  A
  /// changed key is refused regardless.
  bool accept_new_host_keys = false;
  /// Bounds the TCP connect, the handshake and every later blocking step
  /// (auth, channel open, each read or write).
  std::chrono::milliseconds timeout{10'000};
  /// The engine's socket on the remote host, for both transports
  /// (dial-stdio runs `docker -H unix://SOCKET system dial-stdio`).
  std::string docker_socket = "/var/run/docker.sock";
  model::TransportMode mode = model::TransportMode::automatic;
  /// A stop request (SIGINT/SIGTERM): every later wait on the peer gives up
  /// at most kStopGrace after it, so a request in flight on a live peer
  /// still completes, and one on a frozen peer is abandoned.
  std::stop_token stop;
  /// Shared by the sessions of one run to this host: the first that loses
  /// the link (timeout, EOF, socket error) records it, and the others stop
  /// waiting at once.  Null: this session alone.
  std::shared_ptr<LinkState> link;

  /// "kvm4 (root@127.0.0.1:22404)"
  [[nodiscard]] std::string label() const {
    return host_label + " (" + user + "@" + address + ":" + std::to_string(port) + ")";
  }
};

/// The options for a declared host, with the given known_hosts file.
inline SshOptions ssh_options_for(const model::Host& host, std::string known_hosts,
                                  NewHostKeys new_host_keys) {
  SshOptions o;
  o.host_label = host.name;
  o.user = host.ssh.user;
  o.address = host.ssh.address;
  o.port = host.ssh.port;
  o.identity = host.identity;
  o.known_hosts = std::move(known_hosts);
  o.accept_new_host_keys = new_host_keys == NewHostKeys::accept;
  o.docker_socket = host.docker_socket;
  o.mode = host.transport;
  return o;
}

}  // namespace swarmform::transport
