#pragma once
// Dokploy's stored values against a plan, as pure functions: which
// services Dokploy manages (its appName is the swarm service's name), which
// of their stored owned fields differ from what apply writes, the
// application.update that makes them agree, and the compose stacks whose
// limits live in a compose file swarmform does not write.

#include "reconciler/dokploy/stored.h"
#include "reconciler/model/live.h"
#include "reconciler/model/owned_fields.h"
#include "reconciler/plan/plan.h"

namespace swarmform::dokploy {

/// The label Docker's stack deploy puts on every service of a stack; for a
/// Dokploy compose service deployed as a stack its value is the compose's appName.
inline constexpr const char* kStackNamespaceLabel = "com.docker.stack.namespace";

/// The owned fields as Dokploy stores them (what its next deploy writes):
/// replicas, limits and reservations (0 = none, Docker's convention), the
/// node of the first node.hostname== constraint in placementSwarm ("" when
/// none: Dokploy deploys without one).
model::OwnedFields stored_owned(const StoredApplication& app);

/// The update that makes `app` store `desired` (only the fields `desired`
/// owns and `app` stores otherwise; its other placement constraints and
/// placementSwarm keys kept).  Empty when they agree.
ApplicationUpdate update_for(const StoredApplication& app, const model::OwnedFields& desired);

/// Adds to `plan.stored` every planned service (not a create or delete)
/// Dokploy runs as an application whose stored values differ from the
/// service's desired owned fields; and a warning finding for every planned
/// service Dokploy deploys as part of a compose stack (its live label
/// com.docker.stack.namespace names the compose's appName), naming the
/// compose file to change: swarmform never writes a compose file.
void add_stored_changes(plan::Plan& plan, const model::LiveState& live, const Inventory& inventory);

}  // namespace swarmform::dokploy
