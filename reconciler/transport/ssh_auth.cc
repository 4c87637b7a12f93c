#include "reconciler/transport/ssh_auth.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

#include "reconciler/transport/key_file.h"
#include "reconciler/transport/libssh2_handles.h"

namespace swarmform::transport {
namespace {

bool refused_by_server(int rc) {
  return rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED || rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED;
}

bool lists_method(std::string_view methods, std::string_view wanted) {
  while (!methods.empty()) {
    auto comma = methods.find(',');
    if (methods.substr(0, comma) == wanted) return true;
    if (comma == std::string_view::npos) break;
    methods.remove_prefix(comma + 1);
  }
  return false;
}

Result<void> with_identity(LIBSSH2_SESSION* session, const AuthRequest& req) {
  const std::string& key = *req.identity;
  if (::access(key.c_str(), R_OK) != 0) {
    return fail("cannot read identity file " + key + ": " + std::strerror(errno),
                ErrorKind::not_found);
  }
  // A null public key path makes libssh2 derive the public key from the
  // private one, so a missing or stale KEY.pub does not matter.
  int rc = libssh2_userauth_publickey_fromfile_ex(session, req.user.data(),
                                                  static_cast<unsigned>(req.user.size()), nullptr,
                                                  key.c_str(), req.passphrase.c_str());
  if (rc == 0) return {};
  if (refused_by_server(rc)) {
    std::string hint = "is its public key in that user's authorized_keys?";
    if (private_key_type(key) == "ssh-rsa") {
      hint +=
          " Note that libssh2 1.10 signs with RSA keys only as ssh-rsa (SHA-1), which "
          "OpenSSH 8.8 and later refuse by default: use an ed25519 or ecdsa key";
    }
    return fail("the server refused key " + key + " for user " + req.user + " (" + hint + ")",
                ErrorKind::refused);
  }
  if (rc == LIBSSH2_ERROR_FILE) {
    std::string hint =
        req.passphrase.empty()
            ? "if the key is encrypted, put its passphrase in SWARMFORM_SSH_PASSPHRASE"
            : "is the passphrase in SWARMFORM_SSH_PASSPHRASE right?";
    return fail(
        "cannot load private key " + key + " (" + last_error_message(session) + "); " + hint,
        ErrorKind::refused);
  }
  return fail("authenticating user " + req.user + " with key " + key + ": " + last_error(session),
              kind_of(rc));
}

Result<void> with_agent(LIBSSH2_SESSION* session, const AuthRequest& req) {
  if (req.agent_socket.empty()) {
    return fail(
        "no identity file is configured and SSH_AUTH_SOCK is not set, so there is no "
        "ssh-agent to ask for a key for user " +
            req.user,
        ErrorKind::refused);
  }
  const std::string agent_name = "ssh-agent at " + req.agent_socket;
  AgentPtr agent(libssh2_agent_init(session));
  if (!agent) return fail("cannot set up an ssh-agent client: " + last_error(session));
  libssh2_agent_set_identity_path(agent.get(), req.agent_socket.c_str());
  if (libssh2_agent_connect(agent.get()) != 0) {
    return fail("cannot connect to " + agent_name + ": " + last_error(session), ErrorKind::refused);
  }
  if (libssh2_agent_list_identities(agent.get()) != 0) {
    return fail("cannot list the keys of " + agent_name + ": " + last_error(session));
  }
  std::vector<std::string> tried;
  libssh2_agent_publickey* identity = nullptr;
  libssh2_agent_publickey* prev = nullptr;
  while (libssh2_agent_get_identity(agent.get(), &identity, prev) == 0) {
    prev = identity;
    int rc = libssh2_agent_userauth(agent.get(), req.user.c_str(), identity);
    if (rc == 0) return {};
    if (!refused_by_server(rc)) {
      return fail("authenticating user " + req.user + " with a key of " + agent_name + ": " +
                      last_error(session),
                  kind_of(rc));
    }
    tried.emplace_back(identity->comment != nullptr ? identity->comment : "(no comment)");
  }
  if (tried.empty()) {
    return fail(agent_name + " holds no keys (add one with ssh-add) for user " + req.user,
                ErrorKind::refused);
  }
  std::string names;
  for (const std::string& t : tried) names += (names.empty() ? "" : ", ") + t;
  return fail("the server refused all " + std::to_string(tried.size()) + " keys of " + agent_name +
                  " (" + names + ") for user " + req.user,
              ErrorKind::refused);
}

}  // namespace

Result<void> authenticate(LIBSSH2_SESSION* session, const AuthRequest& req) {
  // Asking for the methods is itself the "none" method: a server may let the
  // user in right here.
  const char* methods =
      libssh2_userauth_list(session, req.user.data(), static_cast<unsigned>(req.user.size()));
  if (methods == nullptr) {
    if (libssh2_userauth_authenticated(session) != 0) return {};
    int rc = last_errno(session);
    return fail("asking which auth methods user " + req.user + " may use: " + last_error(session),
                kind_of(rc));
  }
  if (!lists_method(methods, "publickey")) {
    return fail(std::string("the server does not accept public keys for user ") + req.user +
                    " (it offers: " + methods + ")",
                ErrorKind::refused);
  }
  return req.identity ? with_identity(session, req) : with_agent(session, req);
}

}  // namespace swarmform::transport
