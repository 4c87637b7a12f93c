#pragma once

#include <chrono>
#include <string_view>

#include "reconciler/util/result.h"

namespace swarmform::cli {

/// "90s", "5m", "1h", "1m30s", "7d" or a bare number of seconds; must be > 0.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace swarmform::cli
