#pragma once
// The capacity policy: findings about host budgets and missing limits.

#include <string>
#include <vector>

#include "reconciler/model/capacity.h"
#include "reconciler/model/desired.h"
#include "reconciler/model/diagnostic.h"

namespace swarmform::config {

/// Adds to `diags`: an error per host whose limits exceed capacity x budget
/// (naming totals, ratio and the largest contributors) or whose reservations
/// exceed capacity; a warning per service without a CPU or memory limit (an
/// error under policy.require_limits).
void check_budgets(const model::DesiredState& state, const std::vector<model::HostLoad>& loads,
                   model::Diagnostics& diags);

/// The line validate prints about the services no host's budget counts
/// (no host declared, not global): "3 services are not pinned to a host;
/// their limits are not counted in any host's budget: a, b, c"; "" when
/// there are none.
std::string uncounted_note(const model::DesiredState& state);

}  // namespace swarmform::config
