#pragma once
// Is the plan still true of the swarm?  Before apply touches anything it
// re-reads every service and compares the owned fields with what the plan
// was made against.  Pure: the caller reads the live state.

#include <string>
#include <vector>

#include "reconciler/model/live.h"
#include "reconciler/plan/plan.h"

namespace swarmform::apply {

struct StaleService {
  std::string name;
  std::string what;  ///< "deleted since the plan", "owned fields changed since the plan: now ..."
};

/// The services of `plan` whose owned fields (or existence) differ in `live`
/// from what the plan was made against.  A moved version index alone is not
/// stale: Swarm bumps it for reasons that are not ours, and every update
/// re-reads the service and posts the fresh index.
std::vector<StaleService> find_stale(const plan::Plan& plan, const model::LiveState& live);

/// The live service with id `id`, or nullptr.
const model::LiveService* find_live(const model::LiveState& live, const std::string& id);

}  // namespace swarmform::apply
