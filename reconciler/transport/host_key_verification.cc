#include "reconciler/transport/host_key_verification.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

namespace swarmform::transport {
namespace {

std::string describe_key(const HostKey& key) {
  return key.display_type() + " key " + key.fingerprint();
}

Error unknown_host(const KnownHosts& known, std::string_view host, uint16_t port,
                   const HostKey& presented) {
  const std::string& file = known.path();
  return Error{ErrorKind::refused,
               "the authenticity of " + known_hosts_name(host, port) + " can't be established: " +
                   file + " has no entry for it; the server presented " + describe_key(presented) +
                   "; run with --accept-new-host-keys to trust it, or add it to " + file +
                   " (ssh-keyscan -p " + std::to_string(port) + " " + std::string(host) + " >> " +
                   file + ")",
               0};
}

Error changed_host(const KnownHosts& known, std::string_view host, uint16_t port,
                   const HostKey& presented, const std::vector<KnownEntry>& conflicting) {
  const std::string& file = known.path();
  const std::string name = known_hosts_name(host, port);
  std::string expected;
  std::string lines;
  for (const KnownEntry& entry : conflicting) {
    if (!expected.empty()) expected += " or ";
    expected += describe_key(entry.key) + " (" + file + ":" + std::to_string(entry.line) + ")";
    if (!lines.empty()) lines += ", ";
    lines += std::to_string(entry.line);
  }
  return Error{ErrorKind::refused,
               "REMOTE HOST IDENTIFICATION HAS CHANGED for " + name + "! expected " + expected +
                   ", got " + describe_key(presented) +
                   "; someone could be intercepting the connection (man-in-the-middle), or the "
                   "host key was replaced; if this change is expected, remove the old entry from " +
                   file + " (line " + lines + "; ssh-keygen -R '" + name + "' -f " + file +
                   ") and connect again",
               0};
}

}  // namespace

Result<HostKeyOutcome> verify_host_key(const KnownHosts& known, std::string_view host, uint16_t port,
                                       const HostKey& presented, NewHostKeys new_keys) {
  SF_TRY_ASSIGN(HostKeyVerdict verdict, known.check(host, port, presented));
  switch (verdict.status) {
    case HostKeyStatus::match:
      return HostKeyOutcome::known;
    case HostKeyStatus::changed:
      return fail(changed_host(known, host, port, presented, verdict.conflicting));
    case HostKeyStatus::unknown:
      break;
  }
  if (new_keys == NewHostKeys::refuse) return fail(unknown_host(known, host, port, presented));
  SF_TRY(append_known_host(known.path(), host, port, presented));
  spdlog::warn("permanently added {} ({}) to {}", known_hosts_name(host, port),
               describe_key(presented), known.path());
  return HostKeyOutcome::recorded;
}

std::string host_key_algorithms(const std::vector<std::string>& known_types) {
  // OpenSSH's default order, without the algorithms libssh2 1.10 lacks
  // (rsa-sha2-*; its "ssh-rsa" verifies RSA host keys with SHA-1 only).
  // DSA is left out as OpenSSH leaves it out.
  static constexpr std::array<std::string_view, 5> kSupported = {
      "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
      "ssh-rsa"};
  std::vector<std::string_view> order;
  for (const std::string& type : known_types) {
    if (std::find(kSupported.begin(), kSupported.end(), type) != kSupported.end()) {
      order.push_back(type);
    }
  }
  for (std::string_view type : kSupported) {
    if (std::find(order.begin(), order.end(), type) == order.end()) order.push_back(type);
  }
  std::string out;
  for (std::string_view type : order) {
    if (!out.empty()) out += ',';
    out += type;
  }
  return out;
}

}  // namespace swarmform::transport
