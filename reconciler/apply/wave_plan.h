#pragma once
// In which order apply starts a plan's changes: three waves — changes that
// only release capacity, then moves, then the rest — and which changes of a
// later wave are held back because an earlier release failed.  Pure: the
// run (apply_run.h) executes what this decides.

#include <array>
#include <cstddef>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "reconciler/apply/apply_result.h"
#include "reconciler/model/live.h"
#include "reconciler/plan/plan.h"

namespace swarmform::apply {

/// Whether a change can only lower what hosts have committed (a delete; an
/// update in place whose limits, reservations and task count do not grow; a
/// service that declares no host is never a move).  A change to a service
/// that declares no host frees or takes no particular host's capacity: it
/// neither holds back nor is held back by a host below.
/// Those run first, so no host is pushed past its budget in between.
bool releases_capacity(const plan::ServiceChange& change, const model::LiveService* live);

inline constexpr size_t kReleasingWave = 0;  ///< changes that only release capacity
inline constexpr size_t kMovingWave = 1;     ///< updates from one host to another
inline constexpr size_t kWaveCount = 3;      ///< the last wave: the rest

struct Waves {
  /// The plan.services index of each change (no-ops left out), in plan
  /// order.  A "change index" below is a position in this list.
  std::vector<size_t> changes;
  /// The change indexes of each wave, in plan order.
  std::array<std::vector<size_t>, kWaveCount> waves;
};

/// The waves of `plan`'s changes; `live` is the read the plan is applied
/// against (a change whose service it lacks does not release capacity).
Waves plan_waves(const plan::Plan& plan, const model::LiveState& live);

/// The hosts whose capacity the releasing wave did not free: the from_host of
/// each of its changes whose result (by change index) is not applied.  Call
/// once that wave ran; before, no host is held back.
std::set<std::string> unreleased_hosts(const plan::Plan& plan, const Waves& waves,
                                       std::span<const ServiceResult> results);

struct HeldBack {
  size_t change = 0;   ///< change index
  std::string reason;  ///< "not started: an earlier change that frees capacity on <host> failed"
};

struct WaveStart {
  std::vector<size_t> start;       ///< change indexes to run, in wave order
  std::vector<HeldBack> held_back;  ///< in wave order
};

/// Which changes of wave `wave` start: a change of a later wave that adds
/// load to a host in `unreleased` is held back (its capacity was never
/// freed); the releasing wave holds back nothing.
WaveStart start_wave(const plan::Plan& plan, const Waves& waves, size_t wave,
                     const std::set<std::string>& unreleased);

}  // namespace swarmform::apply
