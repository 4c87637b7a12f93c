#pragma once
// What swarmform needs to know about a git remote URL: where it connects
// (for the host-key check and the connect pre-check) and the name of its
// mirror in the cache.  Internal to reconciler/source/.

#include <cstdint>
#include <optional>
#include <string>

namespace swarmform::source::git {

struct RemoteEndpoint {
  std::string scheme;  ///< "ssh", "https", "http", "git"
  std::string user;    ///< empty when the URL names none
  std::string host;    ///< without IPv6 brackets
  uint16_t port = 0;   ///< the URL's port, else the scheme's default
};

/// The endpoint of `url`: "ssh://user@host:port/path", scp-like
/// "user@host:path" (ssh on port 22), "https://host/path" and the like.
/// std::nullopt for a local path or a file:// URL, and for anything it
/// cannot parse (libgit2 then reports the URL as it sees it).
std::optional<RemoteEndpoint> parse_remote_endpoint(const std::string& url);

/// True when `url` is a path on this machine (not file://, not a URL, not
/// scp-like): "/srv/state.git", "../state", "state" but not "host:state".
bool is_local_path(const std::string& url);

/// The folder name of `url`'s mirror: the URL with every character outside
/// [A-Za-z0-9._-] replaced by '_', cut to 64 characters, then "-" and 12
/// hex digits of its SHA-256, so that distinct URLs never share a mirror.
std::string mirror_name(const std::string& url);

}  // namespace swarmform::source::git
