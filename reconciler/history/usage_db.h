#pragma once
// The usage history: an SQLite database (Debian's libsqlite3) of recorded
// windows, keyed by swarm ID, service and host, with a versioned schema and
// bounded retention.  A locked or corrupt database is an error value that
// names the file and says what to do; it never blocks a plan or an apply
// (only `usage --record`, `usage --since` and the agent's --record-usage
// open it).

#include <chrono>
#include <functional>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "reconciler/usage/history_summary.h"
#include "reconciler/usage/usage_report.h"
#include "reconciler/util/result.h"

namespace swarmform::history {

/// The schema version this build writes (PRAGMA user_version).
inline constexpr int kSchemaVersion = 1;

/// $XDG_STATE_HOME/swarmform/usage.db when XDG_STATE_HOME is an absolute
/// path (a relative one is ignored, as the XDG spec says), else
/// $HOME/.local/state/swarmform/usage.db when HOME is; else a not_found
/// error naming both variables and --db.
Result<std::string> default_db_path();

/// One connection to the database, used by one thread at a time.  Every
/// failure names the file; three say what to do:
///   "<path> was written by a newer swarmform (schema N, this one reads up
///    to 1): use that version or --db another file"
///   "<path> is not a usage database or is damaged (...): move it away; a new
///    one is created on the next --record"  (not SQLite, SQLITE_CORRUPT, or
///    another program's SQLite database)
///   "<path> is locked by another swarmform (...): try again when it
///    finishes"  (ErrorKind::timeout: busy beyond `busy_timeout`)
/// The file is in WAL mode: the agent's writes and a `usage --since` read do
/// not wait for each other; two writers do, up to `busy_timeout`.
class UsageDb {
 public:
  /// Opens `path`, creating the missing folders above it (mode 0700) and the
  /// file (mode 0600) when nothing is there, and migrates the schema to
  /// kSchemaVersion in one transaction.  A refused file (newer schema, not a
  /// database, another program's) is left as it was.
  static Result<UsageDb> open(const std::string& path,
                              std::chrono::milliseconds busy_timeout = std::chrono::seconds(5));

  UsageDb(UsageDb&&) noexcept;
  UsageDb& operator=(UsageDb&&) noexcept;
  ~UsageDb();

  /// Appends one row per ServiceUsage of `report` (every one, host from
  /// ServiceUsage.host), all at `at_unix`, in one transaction: all or none.
  Result<void> record(const std::string& swarm_id, const usage::UsageReport& report,
                      int64_t at_unix);
  /// Removes rows (of every swarm) older than `before_unix`; returns how many.
  Result<int64_t> prune(int64_t before_unix);
  /// The rows of `swarm_id` at or after `since_unix`, oldest first (rows of
  /// one window in the order they were recorded).
  Result<std::vector<usage::UsageRecord>> read(const std::string& swarm_id, int64_t since_unix);
  /// The same rows in the same order, one at a time, without holding them:
  /// `row` is reused between calls (copy what you keep).  A week of
  /// one-minute windows of 200 services is two million rows.
  Result<void> each(const std::string& swarm_id, int64_t since_unix,
                    const std::function<void(const usage::UsageRecord& row)>& row);

  [[nodiscard]] const std::string& path() const;

 private:
  struct Impl;
  explicit UsageDb(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace swarmform::history
