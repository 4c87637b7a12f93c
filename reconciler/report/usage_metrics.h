#pragma once
// Measured use as Prometheus text exposition format (for `usage
// --metrics-file`, and for `drift --metrics-file --usage` and the agent,
// appended to the drift metrics).

#include <string>

#include "reconciler/usage/usage_report.h"
#include "reconciler/util/result.h"

namespace swarmform::report {

/// Every family with HELP and TYPE lines (gauges), labels {service, host} or
/// {host}; a family with no sample is left out whole:
///   swarmform_usage_window_seconds
///   swarmform_service_cpu_used_cores, swarmform_service_cpu_limit_cores
///   (absent for a service without a limit), swarmform_service_cpu_throttled_ratio,
///   swarmform_service_memory_used_bytes, swarmform_service_memory_limit_bytes
///   (absent without a limit),
///   swarmform_host_load1, swarmform_host_busy_cpus (where the host's own
///   figures were read), swarmform_host_swarm_cpus (hosts that answered).
/// Label values escaped as drift_metrics_text does; values printed without
/// locale; a value that is not finite is left out, never "NaN" or "+Inf".
std::string usage_metrics_text(const usage::UsageReport& report);

/// Writes `text` as write_metrics_file does (atomic over a regular file,
/// 0644; device, FIFO or "-" straight; anything else refused).
Result<void> write_metrics_text(const std::string& path, const std::string& text);

}  // namespace swarmform::report
