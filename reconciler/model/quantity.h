#pragma once
// Exact resource quantities.  No floating point anywhere: CPUs are nano-CPUs
// (Docker's NanoCPUs), memory is bytes, ratios are fixed-point billionths.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "reconciler/util/result.h"

namespace swarmform::model {

inline constexpr int64_t kNano = 1'000'000'000;

// Bounds on one quantity (a limit, a reservation, a capacity), wherever it
// comes from (desired state, engine).  Far above any real machine, far below
// where arithmetic could wrap: a value past them is a typo or an attack.
//
// CPUs: 2^20 (1,048,576).  Linux's NR_CPUS tops out at 8,192 on x86-64 and the
// largest single-system machines have a few thousand CPUs.
inline constexpr int64_t kMaxCpus = int64_t{1} << 20;
inline constexpr int64_t kMaxNanoCpus = kMaxCpus * kNano;
// Memory: 2^60 bytes (1 EiB).  x86-64 with 5-level paging addresses at most
// 2^52 bytes (4 PiB) of physical memory.
inline constexpr int64_t kMaxMemoryBytes = int64_t{1} << 60;

// Engine minimums (issue 10 section 7); a desired state below them would be
// refused by dockerd only when a task starts.
//
// Memory limit: moby's daemon/daemon_unix.go, `linuxMinMemory = 6291456`
// (6 MiB, "to account for overhead during startup");
// verifyPlatformContainerResources refuses a limit below it ("Minimum memory
// limit allowed is 6MB") when a task's container is created.
inline constexpr int64_t kEngineMinMemoryBytes = 6 * 1024 * 1024;
// Reservations are the swarm manager's: the executor passes only limits to
// a task's container (a 4 MiB reservation runs on Debian's dockerd 20.10),
// and swarmkit's controlapi validateResources refuses, for limits and
// reservations alike, memory under 4 MiB ("invalid memory value N: Must be
// at least 4MiB") and CPUs under 0.001 ("invalid cpu value ...").
inline constexpr int64_t kSwarmMinMemoryBytes = 4 * 1024 * 1024;
inline constexpr int64_t kSwarmMinNanoCpus = 1'000'000;
// CPU limit: moby's getCPUResources turns NanoCPUs into a CFS quota over a
// 100 ms period (quota = NanoCPUs x 100000 / 1e9 microseconds), and the kernel
// refuses a quota under 1 ms (Documentation/scheduler/sched-bwc; moby's own
// check: "CPU cfs quota can not be less than 1ms (i.e. 1000)"); moby states
// the range as "range of CPUs is from 0.01 to N".  So at least 0.01 CPU,
// 10,000,000 nano-CPUs.  A CPU reservation is only a scheduling figure.
inline constexpr int64_t kEngineMinNanoCpus = 10'000'000;

// Checked arithmetic for quantities, in one place.  Totals (per-task value x
// tasks, sums over services) saturate at the int64 range instead of wrapping;
// a saturated total stands for "more than can be counted" and never fits a
// budget (within_budget).  With the bounds above, products of accepted values
// and the largest replica count saturate rather than wrap.
inline constexpr int64_t kSaturated = std::numeric_limits<int64_t>::max();
int64_t saturating_add(int64_t a, int64_t b);
int64_t saturating_mul(int64_t per_task, uint64_t tasks);
/// tasks_a x per_a <= tasks_b x per_b, exactly (128-bit).
bool product_at_most(uint64_t tasks_a, int64_t per_a, uint64_t tasks_b, int64_t per_b);

/// Parses a CPU count as written in YAML: "1.5", "0.25", "2", "500m".
/// At most 9 decimal places and kMaxCpus; zero is allowed only when `allow_zero`.
/// On failure the message says what was expected, without a location.
Result<int64_t> parse_nano_cpus(std::string_view text, bool allow_zero = false);

/// Parses memory the way `docker service update --limit-memory` reads it: a
/// byte count, or a number with a binary unit b, k/K/KB/KiB, M/MB/MiB,
/// G/GB/GiB, T/TB/TiB (all powers of 1024).  A fraction is allowed with a unit
/// ("1.5G") when the result is a whole number of bytes.  At most kMaxMemoryBytes.
Result<int64_t> parse_memory_bytes(std::string_view text, bool allow_zero = false);

/// Parses a non-negative ratio such as an overcommit budget ("1", "1.5") into
/// billionths (1.5 -> 1'500'000'000).  Must be > 0.
Result<int64_t> parse_ratio(std::string_view text);

/// "1.5", "0.25", "2": the shortest exact decimal for a nano-CPU count.
std::string format_cpus(int64_t nano_cpus);

/// format_cpus, or "none" for 0 (Docker's "no limit") and for no value.
/// The one way a CPU figure that may be unset is printed.
std::string cpus_or_none(int64_t nano_cpus);
std::string cpus_or_none(const std::optional<int64_t>& nano_cpus);

/// "512MiB", "1GiB", "1.5GiB", "100B": binary units, exact up to 2 decimals,
/// otherwise the byte count.  Total over int64 (INT64_MIN included).
std::string format_memory(int64_t bytes);

/// "23.5GiB", "512MiB", "1.2TiB", "1023B": the largest binary unit (up to
/// EiB) the value reaches, at most one decimal rounded half up, a trailing
/// ".0" dropped; a value that rounds to 1024 of a unit reads in the next one
/// ("1GiB").  For people reading tables only: it is not exact and not meant to
/// be read back (YAML, plan files and JSON use format_memory or the bytes).
/// Total over int64 (INT64_MIN included).
std::string memory_readable(int64_t bytes);

/// format_memory, or "none" for 0 and for no value.
std::string memory_or_none(int64_t bytes);
std::string memory_or_none(const std::optional<int64_t>& bytes);

/// "2.38x" for numerator/denominator, rounded half up to 2 decimals; "-" when
/// the denominator is 0.  Total over int64: any signs, any magnitudes.
std::string format_ratio(int64_t numerator, int64_t denominator);

/// The same ratio in billionths (for JSON and comparisons); 0 when denominator
/// is 0; saturates at the int64 range.
int64_t ratio_nano(int64_t numerator, int64_t denominator);

/// |value - reference| <= reference x percent / 100, exactly (128-bit).
bool within_percent(int64_t value, int64_t reference, int64_t percent);

/// numerator/denominator <= budget_nano / 1e9, exactly (128-bit arithmetic).
/// A saturated numerator (kSaturated) never fits; a zero or negative
/// denominator fits only a numerator <= 0.
bool within_budget(int64_t numerator, int64_t denominator, int64_t budget_nano);

}  // namespace swarmform::model
