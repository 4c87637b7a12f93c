#pragma once

#include <cstddef>
#include <string>

namespace swarmform::model {

/// The largest desired-state file read; larger files are refused, not read.
inline constexpr std::size_t kMaxSourceFileBytes = 8 * 1024 * 1024;

/// The most all desired-state files of one folder or commit may hold
/// together.  Without it a folder (or a commit) of many files, each under
/// kMaxSourceFileBytes, is read whole into memory: gigabytes.  A real swarm's
/// state is kilobytes; 64 MiB (eight files at the per-file limit) is far
/// above any of them and still a bounded read.
inline constexpr std::size_t kMaxSourceTotalBytes = 64 * 1024 * 1024;

/// One desired-state file as read from a directory or a git tree: the name
/// used in messages (relative to where the user pointed) and its bytes.
struct SourceFile {
  std::string name;
  std::string content;
};

}  // namespace swarmform::model
