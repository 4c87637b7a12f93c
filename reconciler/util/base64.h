#pragma once
// Standard base64 (RFC 4648, "+/" alphabet), as used by known_hosts files and
// OpenSSH fingerprints.

#include <optional>
#include <string>
#include <string_view>

namespace swarmform {

enum class Base64Padding { keep, strip };

/// Encodes `bytes`; with Base64Padding::strip the trailing '=' are left off
/// (OpenSSH's SHA256 fingerprints are written that way).
std::string base64_encode(std::string_view bytes, Base64Padding padding = Base64Padding::keep);

/// Decodes `text` (padding optional).  Returns nullopt on any character
/// outside the alphabet or an impossible length.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace swarmform
