#pragma once
// From the plan's vocabulary to apply's: the owned values to write, the
// labels that record them, and the spec of a service to create.  Pure.

#include <nlohmann/json.hpp>

#include "reconciler/apply/owned_fields.h"
#include "reconciler/model/desired.h"
#include "reconciler/plan/owned.h"
#include "reconciler/plan/plan.h"

namespace swarmform::apply {

/// The planned owned values as apply writes them (absent = not owned; an
/// empty node = no placement owned).
OwnedFields to_apply_fields(const plan::OwnedFields& planned);

/// swarmform.managed=true, swarmform.applied=<owned fields as JSON>, and
/// swarmform.commit: the plan's commit ("<sha>-dirty" for a plan of a dirty
/// tree), or "" (remove it) when the plan knows no commit.
Labels applied_labels(const plan::Plan& plan, const plan::ServiceChange& change);

/// The full Spec to create `change` (a create carries the declared service):
/// name, image, args, env, labels, ports, resources, placement, replicas.
nlohmann::json create_spec(const plan::ServiceChange& change);

}  // namespace swarmform::apply
