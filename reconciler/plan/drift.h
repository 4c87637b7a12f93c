#pragma once
// Drift attribution: who changed an owned field since swarmform last applied
// it, from the `swarmform.applied` label.

#include "reconciler/model/live.h"
#include "reconciler/model/owned_fields.h"
#include "reconciler/plan/plan.h"

namespace swarmform::plan {

/// The owned fields of `live` that `desired` declares (node: the one pinned
/// node, not owned when none or several).
model::OwnedFields live_owned(const model::LiveService& live, const model::OwnedFields& desired);

/// Compares, over the fields where `live` differs from `desired` only:
/// live differs from `applied` while desired equals it -> changed_outside;
/// desired differs from `applied` (or applied did not own the field) while
/// live equals it -> changed_in_git; both -> both; no difference -> none.
Drift attribute_drift(const model::OwnedFields& desired, const model::OwnedFields& live,
                      const model::OwnedFields& applied);

}  // namespace swarmform::plan
