#pragma once
// The labels apply writes with a change: what the plan's change records of
// itself on the service.  Pure.

#include "reconciler/engine/spec_rewrite.h"
#include "reconciler/plan/plan.h"

namespace swarmform::apply {

/// swarmform.managed=true, swarmform.applied=<owned fields as JSON>, and
/// swarmform.commit: the plan's commit ("<sha>-dirty" for a plan of a dirty
/// tree), or "" (remove it) when the plan knows no commit.
engine::Labels applied_labels(const plan::Plan& plan, const plan::ServiceChange& change);

}  // namespace swarmform::apply
