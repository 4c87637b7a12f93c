#include "reconciler/source/git_remote_callbacks.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "reconciler/transport/host_key.h"
#include "reconciler/transport/host_key_verification.h"
#include "reconciler/transport/known_hosts.h"

namespace swarmform::source::git {

namespace fs = std::filesystem;

namespace {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

/// The login name ssh would use when the URL names no user.
std::string local_user() {
  if (const passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  return env_or_empty("USER");
}

std::string default_known_hosts() { return env_or_empty("HOME") + "/.ssh/known_hosts"; }

int give_up(CallbackState& state, ErrorKind kind, std::string message) {
  state.error = Error{kind, std::move(message), 0};
  return GIT_EUSER;
}

int credentials(git_credential** out, const char* /*url*/, const char* username_from_url,
                unsigned int allowed_types, void* payload) {
  auto& state = *static_cast<CallbackState*>(payload);
  const std::string user =
      username_from_url != nullptr && *username_from_url != '\0' ? username_from_url : local_user();
  const std::string who =
      user + "@" + (state.endpoint ? state.endpoint->host : std::string("the server"));
  if ((allowed_types & GIT_CREDENTIAL_USERNAME) != 0U) {
    if (state.offered_username) {
      return give_up(state, ErrorKind::refused,
                     "authentication refused: " + who + " refused the user");
    }
    state.offered_username = true;
    return git_credential_username_new(out, user.c_str());
  }
  if ((allowed_types & GIT_CREDENTIAL_SSH_KEY) != 0U) {
    const std::string& identity = state.options.identity;
    if (!identity.empty()) {
      if (state.offered_key) {
        return give_up(state, ErrorKind::refused,
                       "authentication refused: " + who + " did not accept the key " + identity +
                           " (is its public key in the user's authorized_keys?)");
      }
      state.offered_key = true;
      std::error_code ec;
      if (!fs::is_regular_file(identity, ec)) {
        return give_up(state, ErrorKind::not_found,
                       "identity file " + identity + " does not exist or is not a file");
      }
      // libssh2 derives the public key from the private one when no .pub
      // file sits beside it.
      const std::string pub = identity + ".pub";
      const bool has_pub = fs::is_regular_file(pub, ec);
      // An encrypted key's passphrase comes from the environment, as for
      // the engine transport (transport/ssh_session.cc).
      const std::string passphrase = env_or_empty("SWARMFORM_SSH_PASSPHRASE");
      return git_credential_ssh_key_new(out, user.c_str(), has_pub ? pub.c_str() : nullptr,
                                        identity.c_str(),
                                        passphrase.empty() ? nullptr : passphrase.c_str());
    }
    if (state.offered_agent) {
      return give_up(state, ErrorKind::refused,
                     "authentication refused: " + who +
                         " accepted none of the ssh-agent's keys; configure an identity file");
    }
    if (env_or_empty("SSH_AUTH_SOCK").empty()) {
      return give_up(state, ErrorKind::refused,
                     "cannot authenticate to " + who +
                         ": no identity file is configured and no ssh-agent runs (SSH_AUTH_SOCK "
                         "is unset)");
    }
    state.offered_agent = true;
    return git_credential_ssh_key_from_agent(out, user.c_str());
  }
  return give_up(state, ErrorKind::refused,
                 "authentication refused: " + state.url +
                     " asks for a password; swarmform authenticates to git remotes with SSH keys "
                     "only: use an ssh:// or scp-like URL, or a public https URL");
}

int certificate_check(git_cert* cert, int /*valid*/, const char* host, void* payload) {
  auto& state = *static_cast<CallbackState*>(payload);
  // TLS: libgit2 checks the certificate against the system's CAs.
  if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2) return GIT_PASSTHROUGH;
  const auto* hostkey = reinterpret_cast<const git_cert_hostkey*>(cert);
  if ((hostkey->type & GIT_CERT_SSH_RAW) == 0) {
    return give_up(state, ErrorKind::refused,
                   "libgit2 gave no raw host key for " + std::string(host ? host : "the server") +
                       ", so it cannot be checked against known_hosts");
  }
  // The blob names its own type (raw_type only says the same less exactly).
  // libgit2 1.5 chooses which host key type to ask for from
  // ~/.ssh/known_hosts, not from options.known_hosts: a server with several
  // key types may then present one the file does not pin, which
  // verify_host_key refuses as changed (a safe failure, never a pass).
  auto key = transport::HostKey::from_blob(std::string(hostkey->hostkey, hostkey->hostkey_len));
  if (!key)
    return give_up(state, ErrorKind::refused, "the server's host key: " + key.error().message);
  const std::string name = host != nullptr ? host : (state.endpoint ? state.endpoint->host : "");
  const uint16_t port = state.endpoint ? state.endpoint->port : 22;
  const std::string path =
      state.options.known_hosts.empty() ? default_known_hosts() : state.options.known_hosts;
  auto known = transport::KnownHosts::load(path);
  if (!known) {
    state.error = known.error();
    return GIT_EUSER;
  }
  auto verified = transport::verify_host_key(*known, name, port, *key,
                                             state.options.accept_new_host_keys
                                                 ? transport::NewHostKeys::accept
                                                 : transport::NewHostKeys::refuse);
  if (!verified) {
    state.error = verified.error();
    return GIT_EUSER;
  }
  return 0;
}

}  // namespace

git_remote_callbacks remote_callbacks(CallbackState& state) {
  git_remote_callbacks callbacks;
  git_remote_init_callbacks(&callbacks, GIT_REMOTE_CALLBACKS_VERSION);
  callbacks.credentials = credentials;
  callbacks.certificate_check = certificate_check;
  callbacks.payload = &state;
  return callbacks;
}

}  // namespace swarmform::source::git
