#pragma once
// Per-host capacity before -> after a plan, as a terminal table and as a
// Markdown table, counted by model::HostLoad like validate and state.

#include <string>
#include <vector>

#include "reconciler/plan/plan.h"
#include "reconciler/render/style.h"

namespace swarmform::render {

/// HOST, CAPACITY, CPU LIMITS, CPU RESERVED, MEMORY LIMITS, MEMORY RESERVED,
/// BUDGET — one row per host.  A figure reads "after (ratio of capacity)",
/// "before → after (ratio)" where the plan changes it; CAPACITY adds what the node reports when
/// it disagrees; BUDGET is the verdict after the plan.
std::string plan_capacity_table(const std::vector<plan::HostProjection>& hosts, const Style& style);

/// The same rows as a GitHub-flavoured Markdown table.
std::string plan_capacity_markdown(const std::vector<plan::HostProjection>& hosts);

}  // namespace swarmform::render
