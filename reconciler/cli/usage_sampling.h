#pragma once
// Reading what runs for `usage` (and drift/agent --usage): every host of the
// desired state at once, each over its own SSH session — its engine's task
// containers and its own /proc counters — twice, a window apart; and the
// manager's services for their limits.  The arithmetic is usage/measure.h's.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/cli/engine_connection.h"
#include "reconciler/history/usage_db.h"
#include "reconciler/model/desired.h"
#include "reconciler/model/live.h"
#include "reconciler/usage/measure.h"

namespace swarmform::cli {

/// The shortest and longest live window (`usage --window`, `advise
/// --window`): below a second the engine's read times (and /proc's 10 ms
/// ticks) dominate; an hour is what the history is for.
inline constexpr std::chrono::seconds kMinWindow{1};
inline constexpr std::chrono::hours kMaxWindow{1};

/// Now, in seconds since the epoch: the history's clock.
int64_t unix_now();

struct UsageSampling {
  std::vector<usage::HostReadings> readings;  ///< one per host, the desired state's order
  model::LiveState live;                      ///< the manager's services (limits)
  std::string swarm_id;                       ///< empty when the manager could not be read
  /// Set when the manager's services could not be read: limits unknown.
  std::optional<std::string> manager_error;
  /// The longest time a host took from its first reading's start to its
  /// second reading's end (what a window really cost).
  std::chrono::milliseconds elapsed{0};
  bool stopped = false;  ///< a stop request ended the window early
};

/// Reads every host concurrently: connect, first reading, wait until
/// `window` after the first reading started, second reading; the manager
/// also reads its services and the swarm ID after.  A host that cannot be
/// reached (or whose engine fails) is a reading with `error`, and the others
/// are still read.  With --local only the manager is read, from this
/// machine (its socket and /proc); the other hosts are readings with an
/// error saying so.
UsageSampling sample_usage(const model::DesiredState& desired, const ConnectionOptions& connection,
                           std::chrono::milliseconds window);

/// A window sampled and measured, as `usage`, `drift --usage` and the agent
/// take it.
struct MeasuredUsage {
  usage::UsageReport report;
  std::string swarm_id;             ///< empty when the manager could not be read
  std::vector<std::string> errors;  ///< each host not measured, the manager's services unread
  bool stopped = false;
};

/// sample_usage, then usage::measure with `targets` (globs; empty = all).
MeasuredUsage measure_usage(const model::DesiredState& desired, const ConnectionOptions& connection,
                            std::chrono::milliseconds window, const std::vector<std::string>& targets = {});

/// Where and how long the history is kept: --db, --retain.
struct HistoryOptions {
  std::string db;                          ///< empty: history::default_db_path()
  std::chrono::milliseconds retain{std::chrono::hours(24 * 30)};
};

/// The usage history at `db` (--db), or at history::default_db_path() when
/// it is empty; the database's error when it cannot be opened.
Result<history::UsageDb> open_history(const std::string& db);

/// Appends `measured` to the history and removes rows older than
/// `retain`; returns "N service rows recorded in PATH (M older rows
/// removed)".  Fails without a swarm ID, or with the database's error.
Result<std::string> record_usage(const HistoryOptions& history, const MeasuredUsage& measured);

}  // namespace swarmform::cli
