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

/// A title line with the window, then per host in the report's order: a
/// heading (name, declared capacity "4 CPUs, 16GiB"), a table in the
/// report's order (SERVICE; TASKS "2" or "2 (+1 partial)"; CPU used / limit
/// (% of limit), cores with 2 decimals, "2.61 / -" without a limit;
/// THROTTLED "38%", "-" without a CPU limit; MEMORY used / limit, "~310.2MiB"
/// where not exact; FLAGS "no limit" yellow, "starved" red, "idle" dim),
/// notes (tasks not measured, the demand a starved service's limit cut off,
/// OOM kills), the host line ("load 5.52 (1m) · busy 3.9 of 4 CPUs · outside
/// swarm 0.6 CPUs (15%)", the share being of the busy CPUs; or "host figures
/// unavailable: <reason>") and cpu_bar, 48 cells wide.  A host that did not
/// answer is one line, "kvm2: not measured: <error>".  `unicode` picks block
/// characters for the bar and "·" between host figures, else plain ASCII.
std::string usage_text(const usage::UsageReport& report, const Style& style, bool unicode);

/// Two lines, each ending in a newline.  The bar: max(capacity, busy CPUs,
/// everything measured) as exactly `width` cells, rounded by largest
/// remainder: the 3 biggest services on the host (unicode █ ▓ ▒, ASCII # = +),
/// the rest of swarm (░ / -), outside swarm (▚ / o, yellow) and free (· / .,
/// dim).  The legend: each part's glyph, name and cores, e.g. "█ ai-agents
/// 2.61  ▓ redis 1.24  ░ other swarm 0.4  ▚ outside 0.6  · free 0"; without
/// the host's own figures the outside share is unknown, the remainder reads
/// "free or outside swarm" and the legend says why.
std::string cpu_bar(const usage::UsageReport& report, const usage::HostUsage& host, int width,
                    const Style& style, bool unicode);

/// {"format_version": "1.0", "window_seconds", "hosts": [{name, cpus (declared,
/// cores), memory_bytes, load1, busy_cpus, swarm_cpus, other_cpus, cpus_seen,
/// unavailable (reason), error}], "services": [{name, host, tasks,
/// partial_tasks, cpu_used, cpu_limit (cores), throttled_ratio,
/// throttled_cpus, memory_used_bytes, memory_limit_bytes, oom_kills, flags}]};
/// what is not known or not set is null.  schemas/usage.schema.json.
nlohmann::json usage_json(const usage::UsageReport& report);

/// History (`usage --since`): a title "history over 7d: N windows from
/// <first> to <last>" (N the most samples of any service, dates RFC 3339
/// UTC), then per host a table in the given order: SERVICE, SAMPLES, CPU
/// p50/p95/max, MEMORY p50/p95/max, THROTTLED (share of time), LIMIT
/// cpu/memory as in the latest window; OOM kills under it.
std::string history_text(const std::vector<usage::ServiceHistory>& history, int64_t since_seconds,
                         const Style& style);
/// {"format_version": "1.0", "since_seconds", "services": [{name, host,
/// samples, first_at, last_at (RFC 3339 UTC), cpu {p50, p95, max} (cores),
/// memory_bytes {p50, p95, max} (whole bytes), throttled_share, cpu_limit
/// (cores or null), memory_limit_bytes, oom_kills (or null), tasks}]}.
nlohmann::json history_json(const std::vector<usage::ServiceHistory>& history, int64_t since_seconds);

/// True when the terminal's character set is UTF-8 — the first of LC_ALL,
/// LC_CTYPE, LANG that is set and not empty contains "UTF-8" or "utf8" (any
/// case) — and NO_COLOR is unset (or empty, as style_for reads it).
bool unicode_output();

}  // namespace swarmform::render
