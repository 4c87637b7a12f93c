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
/// per service and host: divided by the tasks measured).
struct Measured {
  int samples = 0;            ///< windows it rests on
  double span_seconds = 0;    ///< first window to last
  int tasks = 0;              ///< tasks as last measured
  double cpu_p50 = 0;         ///< cores per task
  double cpu_p95 = 0;
  double cpu_max = 0;
  double memory_p50 = 0;      ///< bytes per task
  double memory_peak = 0;
  double throttled_share = 0; ///< 0..1 of the time
  /// Cores per task the limit cut off (throttled time per second), mean.
  double throttled_cpus = 0;
  uint64_t oom_kills = 0;
};

/// The knobs, each with its reason in sizing.cc.
struct SizingPolicy {
  int min_samples = 0;              ///< fewer: keep the declared values and say why (0 = the named default)
  double cpu_margin = 0;            ///< limit = p95 x margin (0 = default)
  int64_t cpu_floor_nano = 0;       ///< never below (0 = default, 50m)
  double memory_margin = 0;         ///< limit = peak x margin (0 = default)
  int64_t memory_floor_bytes = 0;   ///< never below (0 = default)
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

/// Pure: the same input gives the same advice.
Sizing right_size(const model::Service& declared, const Measured& measured, const SizingPolicy& policy = {});

}  // namespace swarmform::advise
