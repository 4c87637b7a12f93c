#include "reconciler/cli/engine_connection.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "reconciler/transport/local_socket.h"
#include "reconciler/transport/ssh_options.h"
#include "reconciler/transport/ssh_session.h"

namespace swarmform::cli {

void add_connection_flags(CLI::App& cmd, ConnectionOptions& o) {
  cmd.add_option("--identity", o.identity, "SSH private key for every host (else the host's identity, else ssh-agent)");
  cmd.add_flag("--accept-new-host-keys", o.accept_new_host_keys,
               "Trust and record the key of a host missing from known_hosts (a changed key is always refused)");
  cmd.add_flag("--local", o.local, "Use the manager's docker socket on this machine instead of SSH");
  cmd.add_option("--connect-timeout", o.connect_timeout_s, "Seconds for each SSH step")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd.add_flag("--skip-dokploy", o.skip_dokploy,
               "Go on without integrations.dokploy: its stored values are neither compared nor written, so its next "
               "deploy may revert this (said loudly)");
}

namespace {

/// The state's known_hosts, else ~/.ssh/known_hosts.
Result<std::string> known_hosts_of(const model::DesiredState& state) {
  if (state.known_hosts) return *state.known_hosts;
  if (const char* home = std::getenv("HOME")) return std::string(home) + "/.ssh/known_hosts";
  return fail("no known_hosts in the desired state and no $HOME for ~/.ssh/known_hosts");
}

}  // namespace

Result<transport::SshSession> connect_ssh(const model::DesiredState& state, const model::Host& host,
                                     const ConnectionOptions& o) {
  SF_TRY_ASSIGN(std::string known_hosts, known_hosts_of(state));
  auto options = transport::ssh_options_for(
      host, known_hosts, o.accept_new_host_keys ? transport::NewHostKeys::accept : transport::NewHostKeys::refuse);
  if (o.identity) options.identity = *o.identity;
  options.timeout = std::chrono::milliseconds(o.connect_timeout_s * 1000);
  options.stop = o.stop;
  options.link = o.link;
  spdlog::debug("connecting to {} over SSH", options.label());
  return transport::SshSession::connect(options);
}

Result<transport::VerifiedHostKey> check_host_key(const model::DesiredState& state, const model::Host& host,
                                                  const ConnectionOptions& options) {
  SF_TRY_ASSIGN(auto session, connect_ssh(state, host, options));
  return session.host_key();
}

Result<engine::DockerClient> connect_to_manager(const model::DesiredState& state, const ConnectionOptions& o,
                                                transport::VerifiedHostKey* host_key) {
  auto it = state.hosts.find(state.manager);
  if (it == state.hosts.end()) return fail("the desired state names no cluster.manager host");
  const model::Host& host = it->second;
  const auto timeout = std::chrono::milliseconds(o.connect_timeout_s * 1000);
  if (o.local) {
    spdlog::debug("connecting to {}'s engine at local socket {}", host.name, host.docker_socket);
    auto client = engine::DockerClient::connect(transport::unix_socket_dialer(host.docker_socket, timeout));
    if (!client) return fail(client.error().wrap(host.name + " (--local)"));
    return client;
  }
  SF_TRY_ASSIGN(auto session, connect_ssh(state, host, o));
  if (host_key) *host_key = session.host_key();
  return engine::DockerClient::connect(session.dialer());
}

}  // namespace swarmform::cli
