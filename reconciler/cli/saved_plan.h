#pragma once
// Reading a saved plan (`plan --out FILE`) for `show` and `apply`: bounded
// in size, held once.

#include <cstddef>
#include <string>

#include "reconciler/plan/plan.h"
#include "reconciler/util/result.h"

namespace swarmform::cli {

/// The largest plan file `show` and `apply` read.  A plan of 10,000
/// services, every owned field of every one changing under long names, is
/// about 28 MiB (measured: 28,842,832 bytes, the hosts' per-service load
/// tables a third of it), so the cap leaves more than 4x that; `show` of
/// that plan peaks at about 150 MiB resident (about 5.5x the file).
inline constexpr std::size_t kMaxPlanFileBytes = 128 * 1024 * 1024;

/// The plan in the file at `path` (a regular file, a FIFO or a device).  An
/// error naming the path when it cannot be read, is larger than
/// kMaxPlanFileBytes (nothing past the cap is read) or is not a plan.  The
/// text is dropped once parsed, before the plan is decoded from it.
Result<plan::Plan> read_plan_file(const std::string& path);

}  // namespace swarmform::cli
