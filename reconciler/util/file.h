#pragma once

#include <string>
#include <string_view>

#include "reconciler/util/result.h"

namespace swarmform {

/// Writes `content` to `path` atomically: a temporary file in the same
/// directory, flushed, then renamed over `path`.  Readers see the old file
/// or the new one, never a part.  On failure `path` is untouched.
Result<void> write_file_atomically(const std::string& path, std::string_view content);

/// The whole content of `path`, or an error naming the path and the cause.
Result<std::string> read_file(const std::string& path);

/// Now as RFC 3339 UTC, e.g. "2026-11-26T19:29:17Z".
std::string utc_now_rfc3339();

}  // namespace swarmform
