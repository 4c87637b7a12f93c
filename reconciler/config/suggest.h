#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace swarmform::config {

/// The candidate closest to `word` by edit distance, when close enough to be
/// a likely typo (`limts` -> `limits`); nullopt otherwise.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

/// "; did you mean 'limits'?" or "" — ready to append to a message.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace swarmform::config
