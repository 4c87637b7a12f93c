#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reconciler/util/result.h"

namespace swarmform {

/// Modes of the files swarmform writes (the umask does not narrow them).
inline constexpr mode_t kPrivateFileMode = 0600;   ///< plans: they describe the production swarm
inline constexpr mode_t kReadableFileMode = 0644;  ///< metrics (node_exporter reads them), known_hosts

/// Writes `content` to `path` atomically: a temporary file in the same
/// directory with mode `mode`, fsync'ed, then renamed over `path`.  Readers
/// see the old file or the new one, never a part.  Only a regular file or a
/// missing path is replaced: a directory, device, FIFO, socket or symlink at
/// `path` is refused with an error naming the path and what it is (a missing
/// path that something else creates meanwhile is replaced only if it is a
/// regular file by the time of the rename).
/// On failure `path` is untouched and no temporary file is left.
Result<void> write_file_atomically(const std::string& path, std::string_view content, mode_t mode);

/// One file of write_files_atomically.
struct FileWrite {
  std::string path;
  std::string content;
  mode_t mode = kReadableFileMode;
};

/// Writes several files as one change: each is refused as
/// write_file_atomically refuses it, then every file's temporary file is
/// written and synced, and only when all are is each renamed over its path.
/// An error before the renames (a refused path, a missing folder, a full
/// disk) leaves every path as it was and no temporary file.  A rename that
/// fails after others succeeded (rare: the folder changed meanwhile) says
/// which paths were already replaced.
Result<void> write_files_atomically(const std::vector<FileWrite>& files);

/// Where write_output_file put the content.
enum class WrittenTo { file, device_or_fifo, standard_output };

/// Writes an output file named by the user (`plan --out`, `drift
/// --metrics-file`):
///   "-"                         standard output (std::cout, flushed);
///   a character device or FIFO  written straight: opened for writing
///                               without creating or truncating, so
///                               /dev/null, /dev/stdout (a symlink to one)
///                               and a pipe stay what they are;
///   a regular file or nothing   write_file_atomically(path, content, mode);
///   anything else               refused, naming the path and what it is:
///                               a directory, socket or block device, and a
///                               symlink to anything but a device or FIFO
///                               (a symlink to a regular file would be
///                               replaced by the rename: name its target).
/// Says where the content went, so a caller can tell the user "saved to
/// FILE" only when there is a file to use later.
Result<WrittenTo> write_output_file(const std::string& path, std::string_view content, mode_t mode);

/// The whole content of `path`, or an error naming the path and the cause.
Result<std::string> read_file(const std::string& path);

/// Now as RFC 3339 UTC, e.g. "2026-11-26T19:29:17Z".
std::string utc_now_rfc3339();
/// `unix_seconds` (seconds since the epoch) as RFC 3339 UTC, the same way.
std::string rfc3339_utc(int64_t unix_seconds);

}  // namespace swarmform
