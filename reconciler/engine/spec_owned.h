#pragma once
// Docker's service Spec -> the owned fields, the one reader of them: the
// live mapping (live_mapping.h) reads a listed service's owned members
// through it, apply reads a freshly inspected Spec through it.  Docker's
// defaults apply to what is absent (replicated with 1 replica, no limits, no
// constraints); a value of the wrong type or out of bounds is an Error naming
// its JSON path.  Pure, thread-safe.

#include <nlohmann/json.hpp>

#include "reconciler/engine/json_field.h"
#include "reconciler/model/live.h"
#include "reconciler/model/owned_fields.h"
#include "reconciler/util/result.h"

namespace swarmform::engine {

/// {NanoCPUs, MemoryBytes} of a Resources object (a service's Limits or
/// Reservations, a node's Description.Resources): 0 when absent; refused with
/// its path when negative or past model::kMaxNanoCpus / kMaxMemoryBytes (the
/// totals built from them must not wrap).
Result<model::Resources> read_resources(const JsonField& resources);

/// Fills the owned members of `out` — mode, global, replicas, limits,
/// reservations, constraints — from `spec` (a service's Spec).
Result<void> read_owned_members(const JsonField& spec, model::LiveService* out);

/// Every owned field of `spec` (a `Spec` object as `GET /services/{id}`
/// returns it), as model::owned_fields_of() reads them from the live service
/// it maps to.  Errors name paths under "Spec".  No exception escapes.
Result<model::OwnedFields> read_owned_fields(const nlohmann::json& spec);

}  // namespace swarmform::engine
