#pragma once
// `advise`'s whole answer as one value: every declared service right-sized
// (sizing.h) and the services placed so every host fits (placement.h), from
// what was measured (measured_input.h).  A pure function; render/ prints it
// as text, JSON and Markdown, advice_edits.h turns it into YAML edits.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "reconciler/advise/placement.h"
#include "reconciler/advise/sizing.h"
#include "reconciler/model/desired.h"

namespace swarmform::advise {

/// What the measurements are and how much of them there is: the reader is
/// told how strong the basis of the advice is.
struct Basis {
  enum class Kind { history, live_window };
  Kind kind = Kind::history;
  /// history: the most windows recorded for one service; live: 1.
  int windows = 0;
  /// history: the first window's end to the last's (the longest of any
  /// service); live: the window.
  double span_seconds = 0;
  int64_t first_at_unix = 0;  ///< history: the oldest window read (0 live)
  int64_t last_at_unix = 0;   ///< history: the newest
  std::string source;         ///< history: the database file; live: "a live window"
  /// Why a live window was taken instead of the history (empty when the
  /// history was used, or --window asked for it).
  std::string fallback_reason;
};

/// A measured load that does not move and is not sized: a live service the
/// desired state does not declare (or a declared one not pinned to a host),
/// on the host it ran on.  It still takes the host's CPU, so placement
/// counts it.
struct FixedLoad {
  std::string service;  ///< the live service's name
  std::string host;     ///< the desired state's host name
  double cpu_p95 = 0;   ///< cores, all its tasks there
  std::string why;      ///< "not declared", "not pinned to a host"
};

/// Everything measured, keyed by the desired state's names.
struct MeasuredInput {
  Basis basis;
  std::map<std::string, Measured> services;  ///< declared service -> per-task figures
  std::vector<FixedLoad> fixed;              ///< by host, then service
  /// Declared services whose live service mounts a volume of the local
  /// driver (plan's check_data_move rule): they do not move unless
  /// `allow_data_move: true`.
  std::set<std::string> local_data;
  std::vector<std::string> notes;  ///< records that matched no or several declared services, ...
};

struct AdviseOptions {
  double target_utilization = 0.8;  ///< Σ p95 on a host <= capacity x this
  SizingPolicy sizing;
  std::vector<std::string> keep;  ///< declared services that must not move (--keep)
};

struct ServiceAdvice {
  std::string name;         ///< the key under `services:`
  std::string host_before;  ///< declared; empty when not pinned
  std::string host_after;   ///< the placement's; equals host_before when it does not move
  uint64_t tasks = 1;       ///< tasks it counts (replicas, else 1)
  model::ResourceSpec limits_before;  ///< declared, per task
  model::ResourceSpec reservations_before;
  Sizing sizing;             ///< the new per-task values and the reasons
  bool measured = false;     ///< false: no measurement named it (sizing.kept)
  Measured figures;          ///< per task; zero when !measured
  /// Set when it is starved and its host, after placement, has no room for
  /// the raise: "kvm4 cannot give it more: ...".  Empty otherwise.
  std::string cannot_raise;

  [[nodiscard]] bool limits_change() const { return sizing.limits != limits_before; }
  [[nodiscard]] bool reservations_change() const { return sizing.reservations != reservations_before; }
  [[nodiscard]] bool moves() const { return host_after != host_before; }
  [[nodiscard]] bool changes() const { return limits_change() || reservations_change() || moves(); }
};

struct Advice {
  Basis basis;
  double target_utilization = 0.8;
  /// --what-if as applied: "kvm4.cpus=8 (declared 4)"; the hosts' capacity
  /// in `placement` already includes them.
  std::vector<std::string> what_if;
  std::vector<ServiceAdvice> services;  ///< every declared service, by name
  std::vector<FixedLoad> fixed;         ///< counted on their hosts, never moved
  Placement placement;                  ///< fits, moves, before/after per host, why_not
  /// The hosts as they are now, in the hosts' order: the declared values on
  /// the declared hosts (placement.before counts the advised values on the
  /// declared hosts, placement.after the advised values where advised).
  /// What a reader compares placement.after with.
  std::vector<HostTotals> declared_hosts;
  std::vector<std::string> notes;       ///< MeasuredInput's notes and advise's own

  /// True when it fits and changes something: what --write would write.
  [[nodiscard]] bool has_changes() const;
};

/// Right-sizes every declared service from `input` (a service `input` does
/// not name keeps its values: "not measured"), then places them with their
/// new values: a service moves only when pinned to a declared host, not named
/// in `options.keep`, and without local data (unless allow_data_move: true);
/// a global service without a host counts one task on every host and does
/// not move; fixed loads count where they ran.  When the placement does not
/// fit, no service moves and `placement.why_not` says what would fit.
/// Deterministic: the same input gives the same advice.
Advice advise(const model::DesiredState& desired, const MeasuredInput& input, const AdviseOptions& options);

}  // namespace swarmform::advise
