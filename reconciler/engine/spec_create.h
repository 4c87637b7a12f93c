#pragma once
// The Spec of a service swarmform creates, in Docker's JSON.

#include <nlohmann/json.hpp>
#include <string>

#include "reconciler/model/desired.h"
#include "reconciler/model/owned_fields.h"

namespace swarmform::engine {

/// The full Spec to create `service` as `name`: image, args, env, labels and
/// ports from the declared service; resources, placement (none when `owned`
/// has no node: an unpinned service) and replicas (1 when not owned) from
/// `owned`; Mode.Global for a global service (swarmform creates no jobs).
/// Pure.
nlohmann::json create_spec(const model::Service& service, const std::string& name,
                           const model::OwnedFields& owned);

}  // namespace swarmform::engine
