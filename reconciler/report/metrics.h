#pragma once
// The drift report as Prometheus text exposition format, for node_exporter's
// textfile collector (which reads every *.prom file in its folder, so the
// file must be replaced atomically: write_metrics_file).

#include <string>

#include "reconciler/report/drift_report.h"
#include "reconciler/util/result.h"

namespace swarmform::report {

/// The metrics of `report`, every family with HELP and TYPE lines:
///   swarmform_drift_check_success             1, or 0 when the check failed
///   swarmform_drift_last_check_timestamp_seconds  unix time of the check
///   swarmform_drift_status                    0 in sync, 1 drift, 2 error (as a gauge)
///   swarmform_drifted_services{cause="..."}   per cause (every cause, 0 included)
///   swarmform_findings{severity="error|warning"}
///   swarmform_host_committed_cpu_ratio{host="..."}     live CPU limits x tasks / declared CPUs
///   swarmform_host_committed_memory_ratio{host="..."}  the same for memory
/// Host families are absent when the check failed before reading the swarm.
std::string drift_metrics_text(const DriftReport& report);

/// Writes drift_metrics_text(report) to `path` as write_output_file does:
/// a regular file atomically (a temporary file in the same folder, renamed
/// over it), readable by node_exporter (0644); a device, FIFO or "-"
/// straight; anything else refused.
Result<void> write_metrics_file(const std::string& path, const DriftReport& report);

}  // namespace swarmform::report
