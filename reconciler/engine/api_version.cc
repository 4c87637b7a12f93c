#include "reconciler/engine/api_version.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace swarmform::engine {
namespace {
bool parse_part(std::string_view s, int* out) {
  if (s.empty() || s.size() > 6) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}
}  // namespace

std::string ApiVersion::str() const { return fmt::format("{}.{}", major, minor); }

Result<ApiVersion> parse_api_version(std::string_view text) {
  auto dot = text.find('.');
  ApiVersion v;
  if (dot == std::string_view::npos || !parse_part(text.substr(0, dot), &v.major) ||
      !parse_part(text.substr(dot + 1), &v.minor)) {
    return fail(fmt::format("invalid engine API version \"{}\"", text));
  }
  return v;
}

Result<ApiVersion> negotiate_api_version(std::string_view server_max, std::string_view server_min) {
  SF_TRY_ASSIGN(ApiVersion max, parse_api_version(server_max));
  if (max < kMinApiVersion) {
    return fail(fmt::format(
        "the engine speaks Docker API {}, swarmform needs {} or newer (Docker 20.10 or later)",
        max.str(), kMinApiVersion.str()));
  }
  ApiVersion chosen = std::min(max, kMaxApiVersion);
  if (!server_min.empty()) {
    SF_TRY_ASSIGN(ApiVersion min, parse_api_version(server_min));
    if (chosen < min) {
      return fail(fmt::format(
          "the engine no longer speaks Docker API {} (its oldest is {}); swarmform knows up to {}",
          chosen.str(), min.str(), kMaxApiVersion.str()));
    }
  }
  return chosen;
}

}  // namespace swarmform::engine
