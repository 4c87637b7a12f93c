#pragma once
// Exact resource quantities.  No floating point anywhere: CPUs are nano-CPUs
// (Docker's NanoCPUs), memory is bytes, ratios are fixed-point billionths.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "reconciler/util/result.h"

namespace swarmform::model {

inline constexpr int64_t kNano = 1'000'000'000;

/// Parses a CPU count as written in YAML: "1.5", "0.25", "2", "500m".
/// At most 9 decimal places; zero is allowed only when `allow_zero`.
/// On failure the message says what was expected, without a location.
Result<int64_t> parse_nano_cpus(std::string_view text, bool allow_zero = false);

/// Parses memory the way `docker service update --limit-memory` reads it: a
/// byte count, or a number with a binary unit b, k/K/KB/KiB, M/MB/MiB,
/// G/GB/GiB, T/TB/TiB (all powers of 1024).  A fraction is allowed with a unit
/// ("1.5G") when the result is a whole number of bytes.
Result<int64_t> parse_memory_bytes(std::string_view text, bool allow_zero = false);

/// Parses a non-negative ratio such as an overcommit budget ("1", "1.5") into
/// billionths (1.5 -> 1'500'000'000).  Must be > 0.
Result<int64_t> parse_ratio(std::string_view text);

/// "1.5", "0.25", "2": the shortest exact decimal for a nano-CPU count.
std::string format_cpus(int64_t nano_cpus);

/// "512MiB", "1GiB", "1.5GiB", "100B": binary units, exact up to 2 decimals,
/// otherwise the byte count.
std::string format_memory(int64_t bytes);

/// "2.38x" for numerator/denominator, rounded half up to 2 decimals; "-" when
/// the denominator is 0.
std::string format_ratio(int64_t numerator, int64_t denominator);

/// The same ratio in billionths (for JSON and comparisons); 0 when denominator is 0.
int64_t ratio_nano(int64_t numerator, int64_t denominator);

/// numerator/denominator <= budget_nano / 1e9, exactly (128-bit arithmetic).
bool within_budget(int64_t numerator, int64_t denominator, int64_t budget_nano);

}  // namespace swarmform::model
