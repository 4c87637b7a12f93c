#pragma once
// Reaching the swarm manager's engine for a command: over SSH to the host
// the desired state names as `cluster.manager`, or, with --local, straight to
// its docker socket on this machine.

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include <CLI/CLI.hpp>

#include "reconciler/engine/docker_client.h"
#include "reconciler/model/desired.h"
#include "reconciler/transport/link_state.h"
#include "reconciler/transport/ssh_session.h"
#include "reconciler/util/result.h"

namespace swarmform::cli {

/// Flags shared by every command that talks to the swarm.
struct ConnectionOptions {
  std::optional<std::string> identity;  ///< --identity: overrides every host's key
  bool accept_new_host_keys = false;    ///< --accept-new-host-keys
  bool local = false;                   ///< --local: the manager's socket on this machine
  int connect_timeout_s = 10;           ///< --connect-timeout
  /// --skip-dokploy: leave integrations.dokploy out (loudly) when it is
  /// unreachable; its stored values are then neither compared nor written.
  bool skip_dokploy = false;
  /// A stop request: SSH waits give up shortly after it (transport::kStopGrace).
  std::stop_token stop;
  /// Shared by the connections of one run (see transport::SshOptions::link).
  std::shared_ptr<transport::LinkState> link;
};

/// Registers --identity, --accept-new-host-keys, --local, --connect-timeout, --skip-dokploy on `cmd`.
void add_connection_flags(CLI::App& cmd, ConnectionOptions& options);

/// An engine client connected to the manager of `state`, its API version
/// negotiated.  known_hosts is the state's `known_hosts`, else
/// ~/.ssh/known_hosts.  Errors say the host, the stage and what to do.
/// `host_key`, when given, receives the manager's verified SSH host key
/// (left empty with --local).
Result<engine::DockerClient> connect_to_manager(const model::DesiredState& state,
                                                const ConnectionOptions& options,
                                                transport::VerifiedHostKey* host_key = nullptr);

/// An SSH session to `host` as every command connects: the state's
/// known_hosts (else ~/.ssh/known_hosts), the connection flags.
Result<transport::SshSession> connect_ssh(const model::DesiredState& state, const model::Host& host,
                                          const ConnectionOptions& options);

/// Connects to `host` over SSH only to check its host key against the
/// state's known_hosts (recording a new one with --accept-new-host-keys),
/// as connect_to_manager does; the key as verified.
Result<transport::VerifiedHostKey> check_host_key(const model::DesiredState& state, const model::Host& host,
                                                  const ConnectionOptions& options);

}  // namespace swarmform::cli
