#pragma once
// A known_hosts file (OpenSSH format) checked through libssh2_knownhost_*:
// plain entries, comma-separated names, hashed `|1|salt|hash` entries and
// `[host]:port` entries.  Lookups follow OpenSSH: port 22 is looked up as
// "host", any other port only as "[host]:port".  Host patterns (`*`, `?`,
// `!negation`) are not supported by libssh2: such a name matches only itself
// literally, so the host then counts as unknown, never as matched.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "reconciler/transport/host_key.h"
#include "reconciler/util/result.h"

namespace swarmform::transport {

/// The name OpenSSH writes and looks up: "host" on port 22, else "[host]:port".
std::string known_hosts_name(std::string_view host, uint16_t port);

enum class HostKeyStatus {
  match,    ///< an entry for the host holds exactly this key
  unknown,  ///< the file has no entry at all for the host
  changed,  ///< the file has entries for the host, none with this key
};

/// An entry of the file for the host being checked.
struct KnownEntry {
  int line = 0;  ///< 1-based line in the file
  HostKey key;   ///< type "(unreadable)" and empty blob if its base64 is corrupt
};

struct HostKeyVerdict {
  HostKeyStatus status = HostKeyStatus::unknown;
  std::vector<KnownEntry> conflicting;  ///< for `changed`: the entries that disagree
};

/// The parsed entries of one known_hosts file.  Immutable after load.
/// Not thread-safe (libssh2's collections are not): one thread at a time.
/// Move-only; libssh2's collections stay inside known_hosts.cc.
class KnownHosts {
 public:
  KnownHosts(KnownHosts&&) noexcept;
  KnownHosts& operator=(KnownHosts&&) noexcept;
  ~KnownHosts();

  /// Reads `path`.  A missing file is an empty set (first contact is then
  /// "unknown"); an unreadable file or a line that is not a well-formed
  /// entry (HOSTS KEYTYPE BASE64-KEY with a supported type whose key is of
  /// that type; a hashed name |1|SALT|HASH of two base64 20-byte values) is
  /// an error naming PATH:LINE, so a broken file never reads as "has no
  /// entry".  Marker lines (@cert-authority, @revoked) are refused rather
  /// than silently ignored.
  static Result<KnownHosts> load(const std::string& path);

  [[nodiscard]] const std::string& path() const { return path_; }

  /// Checks the key a server presented for `host`:`port`.  An entry of
  /// another key type for the host counts as `changed`, so a server cannot
  /// slip past a pinned key by offering a different algorithm.
  [[nodiscard]] Result<HostKeyVerdict> check(std::string_view host, uint16_t port,
                                             const HostKey& key) const;

  /// The key types (e.g. "ssh-ed25519") the file holds for `host`:`port`, in
  /// file order, without duplicates.
  [[nodiscard]] std::vector<std::string> key_types_for(std::string_view host, uint16_t port) const;

 private:
  struct Entries;  ///< libssh2's session and one collection per line
  KnownHosts();

  std::string path_;
  std::unique_ptr<Entries> entries_;
};

/// Appends "NAME TYPE BASE64" for `host`:`port` (NAME as known_hosts_name) to
/// the file at `path`, creating the file (mode 0644) if it is missing.  The
/// file is replaced atomically (temporary file + rename), keeping its mode;
/// a symlink is followed.  Fails, naming the path, when the directory is
/// missing or not writable.  Not safe against a concurrent writer of the
/// same file (the later rename wins).
Result<void> append_known_host(const std::string& path, std::string_view host, uint16_t port,
                               const HostKey& key);

}  // namespace swarmform::transport
