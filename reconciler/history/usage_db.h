#pragma once
// The usage history: an SQLite database (Debian's libsqlite3) of recorded
// windows, keyed by swarm ID, service and host, with a versioned schema and
// bounded retention.  A locked or corrupt database is an error value that
// names the file and says what to do; it never blocks a plan or an apply
// (only `usage --record`, `usage --since` and the agent's --record-usage
// open it).

#include <chrono>
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

/// $XDG_STATE_HOME/swarmform/usage.db, else ~/.local/state/swarmform/usage.db.
Result<std::string> default_db_path();

class UsageDb {
 public:
  /// Opens (creating the file and its directory, mode 0700, when missing)
  /// and migrates the schema to kSchemaVersion inside one transaction.  A
  /// database written by a newer swarmform (user_version above ours), a file
  /// that is not an SQLite database, or one locked by another writer longer
  /// than `busy_timeout` fails with the path and what to do.
  static Result<UsageDb> open(const std::string& path,
                              std::chrono::milliseconds busy_timeout = std::chrono::seconds(5));

  UsageDb(UsageDb&&) noexcept;
  UsageDb& operator=(UsageDb&&) noexcept;
  ~UsageDb();

  /// Appends one row per service of `report` (one transaction), at `at_unix`.
  Result<void> record(const std::string& swarm_id, const usage::UsageReport& report, int64_t at_unix);
  /// Removes rows older than `before_unix`; returns how many.
  Result<int64_t> prune(int64_t before_unix);
  /// The rows of `swarm_id` at or after `since_unix`, oldest first.
  Result<std::vector<usage::UsageRecord>> read(const std::string& swarm_id, int64_t since_unix);

  [[nodiscard]] const std::string& path() const;

 private:
  struct Impl;
  explicit UsageDb(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace swarmform::history
