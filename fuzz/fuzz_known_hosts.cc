// A known_hosts file, as every SSH connection reads it: KnownHosts::load on
// the bytes (through a memfd, so the real file path is taken), then the host
// key check and the key-type lookup for a few names, among them the input's
// first host name so that plain entries can match.  Leaks count: the agent
// checks host keys for as long as it runs.

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "reconciler/transport/known_hosts.h"
#include "reconciler/util/base64.h"

namespace {

using namespace swarmform::transport;

const HostKey& key(int which) {
  // Throwaway public keys (tests/unit/transport_known_hosts_test.cc).
  static const HostKey ed25519 = *HostKey::from_blob(*swarmform::base64_decode(
      "AAAAC3NzaC1lZDI1NTE5AAAAIDY3kS+1XDWOQU4B13lhwDFF9G3fUGtZOVS+KqCUME1n"));
  static const HostKey ecdsa = *HostKey::from_blob(
      *swarmform::base64_decode("AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBD/"
                                "5QIrsfu1NqQYBU5Hh1ZPPXWc8UeVdgY8wug5Piu"
                                "u9CqZ0CVQCQZ8yhjLA2RsHmiWMFTH7qOUNMkyviMJSYlc="));
  return which == 0 ? ed25519 : ecdsa;
}

/// The first name of the first line: "host", or "[host]:port".
void first_name(std::string_view text, std::string& host, uint16_t& port) {
  std::string_view name = text.substr(0, text.find_first_of(" \t\r\n,"));
  host = std::string(name);
  port = 22;
  if (name.size() > 2 && name.front() == '[') {
    std::size_t close = name.find("]:");
    if (close == std::string_view::npos) return;
    host = std::string(name.substr(1, close - 1));
    unsigned long value = std::strtoul(std::string(name.substr(close + 2)).c_str(), nullptr, 10);
    port = value > 0 && value < 65536 ? static_cast<uint16_t>(value) : 22;
  }
}

void check(const KnownHosts& known, const std::string& host, uint16_t port) {
  for (int which = 0; which < 2; ++which) (void)known.check(host, port, key(which));
  (void)known.key_types_for(host, port);
}

}  // namespace

// A malformed hashed entry (`|1||...`, or a hash that is not 20 bytes) made
// libssh2 1.10 leak an HMAC context per check (fixed upstream by libssh2 PR
// #2245); the parser now refuses such lines before libssh2 sees them, and
// fuzz/regressions/fuzz_known_hosts/ keeps the inputs that leaked.

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  int fd = ::memfd_create("known_hosts", MFD_CLOEXEC);
  if (fd < 0) std::abort();
  if (size > 0 && ::write(fd, data, size) != static_cast<ssize_t>(size)) std::abort();
  auto known = KnownHosts::load("/proc/self/fd/" + std::to_string(fd));
  ::close(fd);
  if (!known) return 0;

  std::string host;
  uint16_t port = 22;
  first_name(std::string_view(reinterpret_cast<const char*>(data), size), host, port);
  check(*known, host, port);
  check(*known, "kvm4", 22);
  check(*known, "127.0.0.1", 22404);
  return 0;
}
