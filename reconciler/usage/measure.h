#pragma once
// Two readings a window apart -> what each service and host used: a pure
// function, tested with plain values.

#include <optional>
#include <string>
#include <vector>

#include "reconciler/model/desired.h"
#include "reconciler/model/live.h"
#include "reconciler/model/usage_sample.h"
#include "reconciler/usage/usage_report.h"
#include "reconciler/util/result.h"

namespace swarmform::usage {

/// What was read on one host of the desired state, at both ends of the window.
struct HostReadings {
  std::string host;  ///< the desired state's host name
  /// Set when the host could not be reached or its engine failed: the
  /// message names the host and the stage; every other field is empty.
  std::optional<std::string> error;
  std::vector<model::ContainerSample> first;
  std::vector<model::ContainerSample> second;
  /// The host's own counters at both ends; an error (exec refused, output
  /// not /proc's) says why the host figures are unavailable.
  Result<model::HostSample> host_first = fail("not read");
  Result<model::HostSample> host_second = fail("not read");
};

struct MeasureOptions {
  double window_seconds = 0;  ///< as asked (--window); per-container deltas use the engine's read times
  /// Service name globs (--target); empty = every service.
  std::vector<std::string> targets;
};

/// Containers are matched across the two readings by container_id: one seen
/// at both ends is measured (deltas over its own read times; a counter that
/// went backwards counts as a restart: partial), one seen at one end only is
/// partial.  Limits come from `live` (the manager's services, by name): the
/// per-task limit times the measured tasks.  Hosts keep the desired state's
/// order (its `hosts` map: by name, as the capacity table); a host in
/// `readings` absent from `desired` is ignored, a desired host with no
/// readings is reported with the error "<host>: not read".  A service row
/// exists for every service with a container on the host, partial ones
/// included; `targets` filters the rows, never the host totals.
UsageReport measure(const model::DesiredState& desired, const model::LiveState& live,
                    const std::vector<HostReadings>& readings, const MeasureOptions& options);

}  // namespace swarmform::usage
