#pragma once
// Per-host budget arithmetic as a table (validate, state, plan) and as JSON.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reconciler/model/capacity.h"
#include "reconciler/render/style.h"

namespace swarmform::render {

/// HOST, CPUS, MEMORY, CPU LIMITS (ratio), CPU RESERVED, MEMORY LIMITS,
/// MEMORY RESERVED, BUDGET verdict — one row per host.
std::string capacity_table(const std::vector<model::HostLoad>& loads, const Style& style);

/// The verdict in words: "ok", or what is over ("cpu limits 2.38x > budget 1x").
std::string budget_verdict(const model::HostLoad& load);

/// The same figures for scripts: exact integers (nano-CPUs, bytes) beside
/// human strings.
nlohmann::json capacity_json(const model::HostLoad& load);

}  // namespace swarmform::render
