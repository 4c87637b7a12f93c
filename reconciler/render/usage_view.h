#pragma once
// `usage` as text (a table per host, the host line and a one-line CPU bar)
// and as JSON (schemas/usage.schema.json), live windows and history alike.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reconciler/render/style.h"
#include "reconciler/usage/history_summary.h"
#include "reconciler/usage/usage_report.h"

namespace swarmform::render {

/// Per host: a table sorted by CPU used (SERVICE, TASKS, CPU USED/LIMIT
/// (% of limit), THROTTLED, MEMORY USED/LIMIT, FLAGS), then the host line
/// (load average, busy CPUs vs capacity, share outside swarm, or why the
/// host figures are unavailable) and the CPU bar.  `unicode` picks block
/// characters for the bar, else plain ASCII.
std::string usage_text(const usage::UsageReport& report, const Style& style, bool unicode);

/// The host's CPUs (its capacity, or the busy CPUs when more) as `width`
/// cells: the biggest services (a letter or shade each, with a legend),
/// the rest of swarm, outside swarm, and free.
std::string cpu_bar(const usage::UsageReport& report, const usage::HostUsage& host, int width,
                    const Style& style, bool unicode);

/// {"format_version": "1.0", "window_seconds", "hosts": [...], "services": [...]}.
nlohmann::json usage_json(const usage::UsageReport& report);

/// History (`usage --since`): per host, per service p50/p95/max CPU and
/// memory, throttled share, samples and the period they cover.
std::string history_text(const std::vector<usage::ServiceHistory>& history, int64_t since_seconds,
                         const Style& style);
/// {"format_version": "1.0", "since_seconds", "services": [...]}.
nlohmann::json history_json(const std::vector<usage::ServiceHistory>& history, int64_t since_seconds);

/// True when the terminal's character set is UTF-8 (LC_ALL, LC_CTYPE, LANG)
/// and NO_COLOR is unset.
bool unicode_output();

}  // namespace swarmform::render
