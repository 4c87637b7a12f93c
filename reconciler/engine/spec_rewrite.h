#pragma once
// Read-modify-write of a live service spec: only the owned fields change.
// The one writer of the owned fields into Docker's JSON (create_spec.h
// starts a new service's Spec with them).

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "reconciler/model/owned_fields.h"
#include "reconciler/util/result.h"

namespace swarmform::engine {

/// Service labels (Spec.Labels), name -> value.
using Labels = std::map<std::string, std::string>;

/// `live_spec` (the full `Spec` of `GET /services/{id}`) with the present
/// fields of `desired` written and `labels_to_set` set in Spec.Labels (an
/// empty value removes that label):
///  - replicas -> Mode.Replicated.Replicas;
///  - limits/reservations -> TaskTemplate.Resources.{Limits,Reservations}.
///    {NanoCPUs,MemoryBytes}; 0 removes the key (the engine stores "none" as
///    an absent key), a value already there is left alone;
///  - node -> TaskTemplate.Placement.Constraints as
///    model::placement_constraints() gives them ("" removes every pin).
/// Every other member, including other labels and constraints, is copied as
/// it was; with nothing to change the result equals `live_spec`.
/// Fails, changing nothing, when replicas are given for a service that is not
/// replicated (global, jobs), a value is negative, or a member on the way is
/// not an object (the message names its path).  Pure, thread-safe.
Result<nlohmann::json> rewrite_spec(const nlohmann::json& live_spec, const model::OwnedFields& desired,
                                    const Labels& labels_to_set);

}  // namespace swarmform::engine
