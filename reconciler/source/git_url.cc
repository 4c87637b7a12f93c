#include "reconciler/source/git_url.h"

#include <charconv>

#include "reconciler/util/sha256.h"

namespace swarmform::source::git {

namespace {

std::optional<uint16_t> default_port(const std::string& scheme) {
  if (scheme == "ssh" || scheme == "git+ssh" || scheme == "ssh+git") return 22;
  if (scheme == "https") return 443;
  if (scheme == "http") return 80;
  if (scheme == "git") return 9418;
  return std::nullopt;
}

/// Splits "user@host:port" (host may be "[v6]") into `endpoint`.
bool parse_authority(std::string authority, RemoteEndpoint& endpoint) {
  if (const size_t at = authority.rfind('@'); at != std::string::npos) {
    endpoint.user = authority.substr(0, at);
    authority.erase(0, at + 1);
  }
  std::string port;
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string::npos) return false;
    endpoint.host = authority.substr(1, close - 1);
    const std::string rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(":")) return false;
      port = rest.substr(1);
    }
  } else if (const size_t colon = authority.find(':'); colon != std::string::npos) {
    endpoint.host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  } else {
    endpoint.host = authority;
  }
  if (endpoint.host.empty()) return false;
  if (!port.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return false;
    }
    endpoint.port = static_cast<uint16_t>(value);
  }
  return true;
}

/// True when `url` is scp-like: a ':' before any '/', not a URL.
bool is_scp_like(const std::string& url) {
  if (url.find("://") != std::string::npos) return false;
  const size_t colon = url.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  const size_t slash = url.find('/');
  return slash == std::string::npos || colon < slash;
}

}  // namespace

std::optional<RemoteEndpoint> parse_remote_endpoint(const std::string& url) {
  RemoteEndpoint endpoint;
  if (const size_t sep = url.find("://"); sep != std::string::npos) {
    endpoint.scheme = url.substr(0, sep);
    const auto port = default_port(endpoint.scheme);
    if (!port) return std::nullopt;  // file:// and schemes swarmform does not reach itself
    endpoint.port = *port;
    const size_t start = sep + 3;
    const size_t end = url.find('/', start);
    const std::string authority =
        url.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!parse_authority(authority, endpoint)) return std::nullopt;
    if (endpoint.scheme == "git+ssh" || endpoint.scheme == "ssh+git") endpoint.scheme = "ssh";
    return endpoint;
  }
  if (!is_scp_like(url)) return std::nullopt;
  // scp-like: "[user@]host:path"; the port is always 22.
  endpoint.scheme = "ssh";
  endpoint.port = 22;
  std::string authority = url.substr(0, url.find(':'));
  if (authority.find('[') != std::string::npos) {
    // "[host]:path" or "user@[host]:path": the brackets may hold a colon.
    const size_t close = url.find("]:");
    if (close == std::string::npos) return std::nullopt;
    authority = url.substr(0, close + 1);
  }
  if (const size_t at = authority.rfind('@'); at != std::string::npos) {
    endpoint.user = authority.substr(0, at);
    authority.erase(0, at + 1);
  }
  if (authority.starts_with("[") && authority.ends_with("]")) {
    authority = authority.substr(1, authority.size() - 2);
  }
  if (authority.empty()) return std::nullopt;
  endpoint.host = authority;
  return endpoint;
}

bool is_local_path(const std::string& url) {
  return url.find("://") == std::string::npos && !is_scp_like(url);
}

std::string mirror_name(const std::string& url) {
  std::string name;
  for (char c : url) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
    name += keep ? c : '_';
    if (name.size() == 64) break;
  }
  const Sha256Digest digest = sha256(url);
  static constexpr char kHex[] = "0123456789abcdef";
  name += '-';
  for (size_t i = 0; i < 6; ++i) {
    name += kHex[digest[i] >> 4];
    name += kHex[digest[i] & 0xf];
  }
  return name;
}

}  // namespace swarmform::source::git
