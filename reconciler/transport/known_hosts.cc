#include "reconciler/transport/known_hosts.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <sstream>

#include "reconciler/transport/libssh2_handles.h"
#include "reconciler/util/base64.h"
#include "reconciler/util/unique_fd.h"

namespace swarmform::transport {
namespace {

int key_type_bits(std::string_view type) {
  if (type == "ssh-ed25519") return LIBSSH2_KNOWNHOST_KEY_ED25519;
  if (type == "ecdsa-sha2-nistp256") return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
  if (type == "ecdsa-sha2-nistp384") return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
  if (type == "ecdsa-sha2-nistp521") return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
  if (type == "ssh-rsa") return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
  if (type == "ssh-dss") return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
  return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
}

HostKey key_of(const libssh2_knownhost* entry) {
  if (entry != nullptr && entry->key != nullptr) {
    if (auto blob = base64_decode(entry->key)) {
      if (auto key = HostKey::from_blob(std::move(*blob))) return *key;
    }
  }
  return HostKey{"(unreadable)", ""};
}

/// Whether `text` is 20 bytes in base64 exactly as OpenSSH writes them: 27
/// characters of the alphabet and one '='.  Our decoder also takes other
/// spellings ('=' inside, as "AB4j=1kZ"), which libssh2 1.10 decodes to
/// another length and then leaks an HMAC context on every check.
bool as_openssh_writes_20_bytes(std::string_view text) {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  return text.size() == 28 && text.back() == '=' &&
         text.substr(0, 27).find_first_not_of(kAlphabet) == std::string_view::npos;
}

/// Checks one entry's shape before libssh2 sees it: libssh2 accepts lines
/// that can never match (an unknown key type, a key that is not base64 of
/// its type) and leaks memory on a malformed hashed name, so a broken entry
/// would read as "has no entry" instead of as the error it is.
Result<void> check_entry(std::string_view line) {
  auto next_field = [&line]() {
    line.remove_prefix(std::min(line.size(), line.find_first_not_of(" \t")));
    std::string_view field = line.substr(0, line.find_first_of(" \t"));
    line.remove_prefix(field.size());
    return field;
  };
  const std::string_view names = next_field();
  const std::string_view type = next_field();
  const std::string_view blob64 = next_field();
  if (type.empty() || blob64.empty()) {
    return fail("not a known_hosts entry: expected HOSTS KEYTYPE BASE64-KEY");
  }
  if (names.starts_with("|")) {
    // OpenSSH's hashed name: |1|base64(20-byte salt)|base64(HMAC-SHA1, 20 bytes).
    const std::string_view rest = names.substr(names.starts_with("|1|") ? 3 : 0);
    const auto bar = rest.find('|');
    if (!names.starts_with("|1|") || bar == std::string_view::npos) {
      return fail("malformed hashed host name: expected |1|SALT|HASH");
    }
    const std::string_view salt64 = rest.substr(0, bar);
    const std::string_view hash64 = rest.substr(bar + 1);
    const auto salt = base64_decode(salt64);
    const auto hash = base64_decode(hash64);
    if (!salt || salt->size() != 20 || !as_openssh_writes_20_bytes(salt64)) {
      return fail("malformed hashed host name: the salt is not base64 of 20 bytes");
    }
    if (!hash || hash->size() != 20 || !as_openssh_writes_20_bytes(hash64)) {
      return fail("malformed hashed host name: the hash is not base64 of 20 bytes");
    }
  } else {
    for (std::size_t at = 0; at <= names.size();) {
      std::size_t end = std::min(names.find(',', at), names.size());
      std::string_view name = names.substr(at, end - at);
      if (name.empty()) return fail("empty host name in '" + std::string(names) + "'");
      if (name.starts_with("[")) {
        const auto close = name.find("]:");
        const std::string_view port = close == std::string_view::npos ? "" : name.substr(close + 2);
        if (close == std::string_view::npos || close == 1 || port.empty() || port.size() > 5 ||
            port.find_first_not_of("0123456789") != std::string_view::npos) {
          return fail("malformed host name '" + std::string(name) + "': expected [HOST]:PORT");
        }
      }
      at = end + 1;
    }
  }
  if (key_type_bits(type) == LIBSSH2_KNOWNHOST_KEY_UNKNOWN) {
    return fail("unsupported key type '" + std::string(type) + "'");
  }
  auto blob = base64_decode(blob64);
  if (!blob) return fail("the " + std::string(type) + " key is not valid base64");
  auto key = HostKey::from_blob(std::move(*blob));
  if (!key || key->type != type) {
    return fail("the key is not a " + std::string(type) + " key" +
                (key ? " (it holds " + key->type + ")" : std::string()));
  }
  return {};
}

Result<std::string> read_file(const std::string& path, bool* exists) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) {
      *exists = false;
      return std::string();
    }
    return fail("cannot read known_hosts file " + path + ": " + std::strerror(errno));
  }
  *exists = true;
  std::string text;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot read known_hosts file " + path + ": " + std::strerror(errno));
    if (n == 0) return text;
    text.append(buf, static_cast<std::size_t>(n));
  }
}

/// One entry line of the file, as libssh2 read it.
struct Line {
  int number = 0;
  KnownHostsPtr entries;  ///< the entries of this one line
};

/// Entries of `line` named `name`, of any key type.
std::vector<HostKey> entries_named(const Line& line, const std::string& name) {
  // libssh2 has no "list entries for a name" call, and hashed names cannot be
  // listed at all.  Checking a key that matches nothing, with key type 0
  // ("any type"), reports the first entry for the name as a mismatch.
  std::vector<HostKey> found;
  const std::string_view probe = "swarmform: matches no key";
  struct libssh2_knownhost* entry = nullptr;
  int rc =
      libssh2_knownhost_checkp(line.entries.get(), name.c_str(), -1, probe.data(), probe.size(),
                               LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW, &entry);
  if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH) found.push_back(key_of(entry));
  return found;
}

}  // namespace

struct KnownHosts::Entries {
  // Declared first so it is destroyed last: every collection allocates from it.
  SessionPtr session;
  std::vector<Line> lines;
};

KnownHosts::KnownHosts() : entries_(std::make_unique<Entries>()) {}
KnownHosts::KnownHosts(KnownHosts&&) noexcept = default;
KnownHosts& KnownHosts::operator=(KnownHosts&&) noexcept = default;
KnownHosts::~KnownHosts() = default;

std::string known_hosts_name(std::string_view host, uint16_t port) {
  if (port == 22) return std::string(host);
  return "[" + std::string(host) + "]:" + std::to_string(port);
}

Result<KnownHosts> KnownHosts::load(const std::string& path) {
  KnownHosts known;
  known.path_ = path;
  known.entries_->session = new_session();
  if (!known.entries_->session) return fail("libssh2 failed to initialise");
  bool exists = false;
  SF_TRY_ASSIGN(std::string text, read_file(path, &exists));

  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    const std::string where = path + ":" + std::to_string(number);
    if (line[first] == '@') {
      return fail(where + ": marker lines (@cert-authority, @revoked) are not supported");
    }
    if (auto entry = check_entry(std::string_view(line).substr(first)); !entry) {
      return fail(where + ": " + entry.error().message);
    }
    KnownHostsPtr entries(libssh2_knownhost_init(known.entries_->session.get()));
    if (!entries) return fail("libssh2 could not allocate a known-hosts collection");
    if (libssh2_knownhost_readline(entries.get(), line.data() + first, line.size() - first,
                                   LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0) {
      return fail(where + ": not a known_hosts entry libssh2 can read: " +
                  last_error(known.entries_->session.get()));
    }
    known.entries_->lines.push_back(Line{number, std::move(entries)});
  }
  return known;
}

Result<HostKeyVerdict> KnownHosts::check(std::string_view host, uint16_t port,
                                         const HostKey& key) const {
  const std::string name = known_hosts_name(host, port);
  HostKeyVerdict verdict;
  for (const Line& line : entries_->lines) {
    struct libssh2_knownhost* entry = nullptr;
    int rc = libssh2_knownhost_checkp(
        line.entries.get(), name.c_str(), -1, key.blob.data(), key.blob.size(),
        LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | key_type_bits(key.type),
        &entry);
    switch (rc) {
      case LIBSSH2_KNOWNHOST_CHECK_MATCH:
        return HostKeyVerdict{HostKeyStatus::match, {}};
      case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
        verdict.conflicting.push_back(KnownEntry{line.number, key_of(entry)});
        break;
      case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
        for (HostKey& other : entries_named(line, name)) {
          verdict.conflicting.push_back(KnownEntry{line.number, std::move(other)});
        }
        break;
      default:
        return fail(path_ + ":" + std::to_string(line.number) +
                    ": libssh2 could not check the entry: " + last_error(entries_->session.get()));
    }
  }
  verdict.status = verdict.conflicting.empty() ? HostKeyStatus::unknown : HostKeyStatus::changed;
  return verdict;
}

std::vector<std::string> KnownHosts::key_types_for(std::string_view host, uint16_t port) const {
  const std::string name = known_hosts_name(host, port);
  std::vector<std::string> types;
  for (const Line& line : entries_->lines) {
    for (const HostKey& key : entries_named(line, name)) {
      if (std::find(types.begin(), types.end(), key.type) == types.end()) {
        types.push_back(key.type);
      }
    }
  }
  return types;
}

Result<void> append_known_host(const std::string& path, std::string_view host, uint16_t port,
                               const HostKey& key) {
  namespace fs = std::filesystem;
  // Sessions to several hosts may record keys at once (import checks every
  // host concurrently): the read-append-rename below is one at a time, or
  // the last rename would drop the others' lines.
  static std::mutex one_writer;
  std::lock_guard<std::mutex> lock(one_writer);
  std::error_code ec;
  // Follow a symlink so the link stays and its target is updated.
  fs::path target = path;
  if (fs::is_symlink(fs::symlink_status(path, ec))) {
    target = fs::canonical(path, ec);
    if (ec) return fail("cannot resolve known_hosts symlink " + path + ": " + ec.message());
  }

  bool exists = false;
  SF_TRY_ASSIGN(std::string content, read_file(target.string(), &exists));
  mode_t mode = 0644;
  struct stat st {};
  if (exists && ::stat(target.c_str(), &st) == 0) mode = st.st_mode & 07777;
  if (!content.empty() && content.back() != '\n') content += '\n';
  content += known_hosts_name(host, port) + " " + key.type + " " + base64_encode(key.blob) + "\n";

  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string tmp = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  UniqueFd fd(::mkstemp(tmp.data()));
  if (!fd.valid()) {
    return fail("cannot write known_hosts file " + path + ": cannot create a file in " +
                dir.string() + ": " + std::strerror(errno));
  }
  auto cleanup_fail = [&](const std::string& what) {
    std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return fail("cannot write known_hosts file " + path + ": " + what + ": " + err);
  };
  std::string_view rest = content;
  while (!rest.empty()) {
    ssize_t n = ::write(fd.get(), rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return cleanup_fail("write failed");
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fchmod(fd.get(), mode) != 0) return cleanup_fail("chmod failed");
  if (::fsync(fd.get()) != 0) return cleanup_fail("fsync failed");
  fd.reset();
  if (::rename(tmp.c_str(), target.c_str()) != 0) return cleanup_fail("rename failed");
  return {};
}

}  // namespace swarmform::transport
