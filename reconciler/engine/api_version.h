#pragma once
// Engine API versions ("1.41") and the negotiation of which one to speak.

#include <compare>
#include <string>
#include <string_view>

#include "reconciler/util/result.h"

namespace swarmform::engine {

struct ApiVersion {
  int major = 0;
  int minor = 0;
  auto operator<=>(const ApiVersion&) const = default;
  /// "1.41"
  [[nodiscard]] std::string str() const;
};

/// Oldest API swarmform works with: Docker 20.10 (Debian 12's docker.io) speaks it.
inline constexpr ApiVersion kMinApiVersion{1, 41};
/// Newest API swarmform knows; newer engines are spoken to in this version.
inline constexpr ApiVersion kMaxApiVersion{1, 43};

/// Parses "MAJOR.MINOR" (digits only).  Fails naming the text otherwise.
Result<ApiVersion> parse_api_version(std::string_view text);

/// Chooses the version to speak with an engine whose `GET /version` reported
/// ApiVersion `server_max` and MinAPIVersion `server_min` (may be empty):
/// the lower of server_max and kMaxApiVersion.  Fails, saying which versions
/// are involved, when that is below kMinApiVersion or below server_min.
Result<ApiVersion> negotiate_api_version(std::string_view server_max, std::string_view server_min);

}  // namespace swarmform::engine
