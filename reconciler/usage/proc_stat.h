#pragma once
// The host's own counters from the output of the fixed remote command
// kHostCountersCommand: /proc/loadavg followed by /proc/stat.

#include <string_view>

#include "reconciler/model/usage_sample.h"
#include "reconciler/util/result.h"

namespace swarmform::usage {

/// The one command usage runs on a host.  Fixed: no input of any kind is
/// ever put into a remote command line.
inline constexpr std::string_view kHostCountersCommand = "cat /proc/loadavg /proc/stat";

/// Parses `cat /proc/loadavg /proc/stat` output.  Fails, saying what it
/// expected, on anything else (e.g. what a forced `command=` in
/// authorized_keys printed instead): "not the output of `cat /proc/loadavg
/// /proc/stat`: <why>".
Result<model::HostSample> parse_host_counters(std::string_view output);

/// Busy CPUs between two readings: Δbusy / Δtotal x cpus; nullopt when the
/// counters did not advance or went backwards.
std::optional<double> busy_cpus_between(const model::HostSample& a, const model::HostSample& b);

}  // namespace swarmform::usage
