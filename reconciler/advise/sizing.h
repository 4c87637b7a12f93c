#pragma once
// Right-sizing one service from what it was measured to use: a pure
// function, every constant named with its reason (issue 15).  Recommenders
// it follows: Kubernetes' VPA (a high percentile with a margin, a floor) and
// KRR (CPU from a high percentile, memory from the peak with a margin).

#include <cstdint>
#include <string>
#include <vector>

#include "reconciler/model/desired.h"

namespace swarmform::advise {

/// What was measured of one desired service, per task (usage/'s figures are
/// per service and host, summed over its tasks: divide by the tasks measured).
/// Every figure is finite and >= 0; one that is not makes the advice `kept`.
struct Measured {
  int samples = 0;          ///< windows it rests on (fewer than min_samples: kept)
  double span_seconds = 0;  ///< first window's end to last's (shorter than min_span_seconds: kept)
  int tasks = 0;            ///< tasks as last measured (0: kept, nothing per task)
  double cpu_p50 = 0;       ///< cores per task: the CPU reservation
  double cpu_p95 = 0;       ///< the CPU limit, x margin
  double cpu_max = 0;       ///< reported only
  double memory_p50 = 0;    ///< bytes per task: the memory reservation
  double memory_peak = 0;   ///< the memory limit, x margin; never below it
  /// 0..1 of the time throttled (usage's throttled_share); >= kStarvedThrottledShare: starved.
  double throttled_share = 0;
  /// Cores per task the limit cut off (throttled time per second), mean
  /// over the windows: added to p95 when starved.
  double throttled_cpus = 0;
  uint64_t oom_kills = 0;  ///< seen over the period: a note, and the old limit as a lower bound
};

// The defaults, each with its reason.  Public so that `advise` can say how
// much history it needs before it reads any, and tests can name them.
//
// Recommenders followed: Kubernetes' VPA recommender (target = p90 of use,
// plus `--recommendation-margin-fraction` 0.15; floors
// `--pod-recommendation-min-cpu-millicores` 25 and `-min-memory-mb` 250) and
// Robusta's KRR "simple" strategy (CPU from `cpu_percentile` 99; memory =
// peak + `memory_buffer_percentage`, 5 in its first releases, 15 since).

/// Fewer windows than this: keep the declared values.  At usage --record's
/// one window a minute that is an hour; it is also where a p95 starts to
/// mean something: over 60 windows it lies between the 3rd and 4th largest,
/// so one burst cannot be the whole estimate (over 20 it would be the max).
inline constexpr int kDefaultMinSamples = 60;
/// Less recorded time than this (first window to last): keep the declared
/// values.  60 windows taken seconds apart are one busy minute, not a
/// service's day; 55 minutes is the hour of kDefaultMinSamples one-minute
/// windows (which span 59 minutes end to end) less a few missed windows.
inline constexpr double kDefaultMinSpanSeconds = 55 * 60;
/// CPU limit = p95 x this: VPA's 15% margin on a percentile between VPA's
/// p90 and KRR's p99.  CPU over its limit is only throttled, never killed,
/// so the margin need not cover the maximum.
inline constexpr double kDefaultCpuMargin = 1.15;
/// The CPU limit is never below this (50m).  Five times the engine's 10m
/// minimum and twice VPA's 25m floor: a CFS quota of 5 ms per 100 ms, so a
/// task that idles at 0.01 cores can still answer a health check without
/// being throttled for most of a period.
inline constexpr int64_t kDefaultCpuFloorNano = 50'000'000;
/// Memory limit = peak x this: KRR's and VPA's 15% (KRR's first 5% left
/// too little: memory over the limit is an OOM kill, not a slowdown).
inline constexpr double kDefaultMemoryMargin = 1.15;
/// The memory limit is never below this (16MiB).  The engine refuses under
/// 6MiB "to account for overhead during startup" (kEngineMinMemoryBytes); a
/// task measured idle at a few MiB allocates more on its first real request
/// or a reload.  VPA's 250MB floor is sized for JVM pods and would raise
/// every small sidecar here.
inline constexpr int64_t kDefaultMemoryFloorBytes = 16 * 1024 * 1024;
/// Throttled this share of the time or more: starved, its demand is
/// estimated past the limit.  Mirrors usage::kStarvedThrottledRatio (0.25),
/// which advise cannot include (it links only model and util): `usage` and
/// `advise` must call the same services starved.
inline constexpr double kStarvedThrottledShare = 0.25;
/// New CPU values are rounded up to this (10m): two decimals, what a person
/// writes ("0.35", not "0.3471"), and a multiple of the loader's millicores.
inline constexpr int64_t kCpuStepNano = 10'000'000;
/// New memory values are rounded up to whole MiB, so they print as "620MiB"
/// or "1.5GiB", and never below what was measured.
inline constexpr int64_t kMemoryStepBytes = 1024 * 1024;

/// The knobs; 0 (or unset) takes the default above.
struct SizingPolicy {
  int min_samples = 0;    ///< fewer: keep the declared values and say why (0 = kDefaultMinSamples)
  double cpu_margin = 0;  ///< limit = p95 x margin (0 = default); below 1 counts as 1
  int64_t cpu_floor_nano = 0;      ///< never below (0 = default, 50m); never below the engine's 10m
  double memory_margin = 0;        ///< limit = peak x margin (0 = default); below 1 counts as 1
  int64_t memory_floor_bytes = 0;  ///< never below (0 = default); never below the engine's 6MiB
  double min_span_seconds = 0;     ///< less recorded time: keep (0 = kDefaultMinSpanSeconds)
};

/// The advice for one service: new per-task limits and reservations (what
/// the desired state would declare), and why, in sentences a reviewer reads.
struct Sizing {
  model::ResourceSpec limits;
  model::ResourceSpec reservations;
  std::vector<std::string> reasons;
  bool kept = false;     ///< too few samples: the declared values, unchanged
  bool starved = false;  ///< throttled: the limit is raised from the estimated demand
};

/// New per-task limits and reservations for `declared` from `measured`.
/// CPU limit: p95 x margin (a starved service: (p95 + throttled_cpus) x
/// margin), at least the floor.  Memory limit: peak x margin (after OOM
/// kills, at least the old limit x margin: the peak stopped where the kernel
/// killed), at least the peak and the floor.  Reservations: p50, at least
/// the swarm's minimums, at most the new limits.  New values are multiples of
/// kCpuStepNano and kMemoryStepBytes, rounded up.  A service with too few
/// samples, too short a span, no task or unusable figures keeps its declared
/// values (`kept`), with one reason saying why.  Absent declared limits get
/// one.  Pure and total: the same input gives the same advice.
Sizing right_size(const model::Service& declared, const Measured& measured,
                  const SizingPolicy& policy = {});

}  // namespace swarmform::advise
