#pragma once

#include <cstddef>
#include <string>

namespace swarmform::model {

/// One desired-state file as read from a directory or a git tree: the name
/// used in messages (relative to where the user pointed) and its bytes.
/// The largest desired-state file read; larger files are refused, not read.
inline constexpr std::size_t kMaxSourceFileBytes = 8 * 1024 * 1024;

struct SourceFile {
  std::string name;
  std::string content;
};

}  // namespace swarmform::model
