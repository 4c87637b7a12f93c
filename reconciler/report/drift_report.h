#pragma once
// The drift report: what `swarmform drift` (and the agent) found when it
// compared the desired state with the live swarm, as a value.  Made from a
// plan (no I/O); rendered as text and Markdown by render/drift_text.h, as
// JSON here (the webhook body and `--format json`), as Prometheus metrics by
// report/metrics.h.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconciler/plan/plan.h"

namespace swarmform::report {

/// The version of the drift report JSON this code writes.
inline constexpr const char* kDriftFormatVersion = "1.0";

/// Why a service differs, as an on-call reader needs it.
enum class Cause {
  changed_outside,   ///< someone changed the swarm by hand (docker service update, a UI)
  changed_in_git,    ///< git changed and nobody applied it yet
  both,              ///< git changed, and the swarm was changed by hand too
  not_applied,       ///< differs, and swarmform never applied it (no applied label)
  missing,           ///< declared in git, absent from the swarm
  removed_from_git,  ///< managed by swarmform, no longer declared, still running
  /// integrations.dokploy: Dokploy stores other values than the desired
  /// state (the swarm may match): its next deploy reverts the service.
  dokploy_stored,
};

/// "changed_outside", ... (the JSON and metrics spelling).
std::string_view cause_name(Cause c);
/// "changed outside swarmform", "changed in git, not applied yet", ...
std::string_view cause_words(Cause c);
inline constexpr Cause kAllCauses[] = {Cause::changed_outside, Cause::changed_in_git,   Cause::both,
                                       Cause::not_applied,     Cause::missing,          Cause::removed_from_git,
                                       Cause::dokploy_stored};

struct DriftedService {
  std::string name;       ///< the desired-state key (the live name for a removed one)
  std::string live_name;  ///< the swarm's name; empty when missing
  Cause cause = Cause::not_applied;
  /// Owned fields that differ: before = live, after = desired (git); for
  /// Cause::dokploy_stored, before = Dokploy's stored value (JSON "stored").
  std::vector<plan::FieldChange> changes;
};

/// What a host's live services commit of its CPUs and memory (limits x
/// running tasks over the declared capacity), for the metrics and the text.
struct HostCommitment {
  std::string host;
  int64_t cpu_limits = 0;  ///< nano-CPUs
  int64_t cpu_capacity = 0;
  int64_t memory_limits = 0;  ///< bytes
  int64_t memory_capacity = 0;
  [[nodiscard]] double cpu_ratio() const;     ///< 0 when the capacity is 0
  [[nodiscard]] double memory_ratio() const;  ///< 0 when the capacity is 0
};

enum class Status { in_sync, drift, error };

struct DriftReport {
  std::string format_version = kDriftFormatVersion;
  std::string checked_at;  ///< RFC 3339 UTC
  int64_t checked_at_unix = 0;
  std::string commit;  ///< the desired state's commit; empty when not in git
  std::string ref;
  std::vector<std::string> uncommitted;  ///< a dirty working tree's changed files
  Status status = Status::in_sync;
  bool check_ran = true;  ///< false: the desired state or the swarm could not be read
  std::string error;  ///< for Status::error: what failed (the check, or the plan's blocking findings)
  std::vector<DriftedService> services;  ///< sorted by name
  std::vector<plan::Finding> findings;   ///< the plan's findings, errors first
  std::vector<HostCommitment> hosts;     ///< by host name

  [[nodiscard]] size_t count(Cause c) const;
  /// 0 in sync, 2 drift, 1 error.  Blocking findings count as an error
  /// (apply could not repair the drift), and win over drift.
  [[nodiscard]] int exit_code() const;
};

/// The report of a plan made at `checked_at` (unix seconds, and as text).
/// Every changing service is drifted; blocking findings make it an error.
DriftReport drift_report(const plan::Plan& plan, int64_t checked_at_unix, std::string checked_at);

/// The report of a check that could not run (unreadable desired state,
/// unreachable manager): Status::error with `error`.
DriftReport failed_drift_report(std::string error, int64_t checked_at_unix, std::string checked_at);

/// The report as JSON, keys in documented order (format_version first).
nlohmann::ordered_json encode_drift_report(const DriftReport& report);

/// "in_sync", "drift", "error".
std::string_view status_name(Status s);

}  // namespace swarmform::report
