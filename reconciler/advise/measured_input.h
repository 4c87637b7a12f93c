#pragma once
// What was measured, as advise reads it: usage's recorded windows (the
// history) or one live window, keyed by the desired state's service names
// (a live name is matched by each declared service's `match:`), per task.
// Pure functions: cli/ reads the database and the swarm.

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "reconciler/advise/advice.h"
#include "reconciler/model/desired.h"
#include "reconciler/model/live.h"
#include "reconciler/usage/history_summary.h"
#include "reconciler/usage/usage_report.h"

namespace swarmform::advise {

/// From recorded windows: per window, the largest task of one declared
/// service (each row's total over its tasks: a row is the service on one
/// host), since a limit must hold every task; summarised
/// (p50/p95/max as usage::summarize, time-weighted throttling).  Rows of a
/// live service no declared service matches are fixed loads on the host they
/// ran on (their p95); so are those of a declared service not pinned to a
/// host, which is also sized (its limits are per task wherever it runs).
/// A fixed load counts only on the host(s) of its newest window, and (when
/// `live` lists services) only while it still runs.
/// A name several declared services match counts for none, with a note.
/// `live` gives the mounts (local data) of the services running now.
MeasuredInput from_history(const model::DesiredState& desired, const std::vector<usage::UsageRecord>& records,
                           const model::LiveState& live, const std::string& db_path);

/// from_history one row at a time, for a week of one-minute windows of a
/// few hundred services (two million rows): rows must come oldest first,
/// the rows of one window together (history::UsageDb::each's order).  Keeps
/// two floats per service and window (CPU and memory per task, exact
/// enough for limits rounded to 10m and 1MiB), never the rows.
class HistoryAccumulator {
 public:
  HistoryAccumulator(const model::DesiredState& desired, const model::LiveState& live, std::string db_path);
  ~HistoryAccumulator();
  HistoryAccumulator(HistoryAccumulator&&) noexcept;
  HistoryAccumulator& operator=(HistoryAccumulator&&) noexcept;

  void add(const usage::UsageRecord& row);
  /// The summary of every row added.
  MeasuredInput finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// From one live window (usage::measure's report): each figure is its own
/// p50, p95 and peak, over one sample of `report.window_seconds`.
MeasuredInput from_window(const model::DesiredState& desired, const usage::UsageReport& report,
                          const model::LiveState& live);

}  // namespace swarmform::advise
