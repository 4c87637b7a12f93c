#pragma once
// A plan for people at a terminal, like Terraform's: where the desired state
// came from in git (and a warning for uncommitted files), with --base how it
// changed in git, then one block per service that changes ("~ web" and "    limits.cpus: 1 → 0.5" lines, "+" create,
// "-" delete, restart markers, drift in words), the per-host capacity
// before → after, findings, and the summary line last.

#include <string>

#include "reconciler/plan/plan.h"
#include "reconciler/render/style.h"

namespace swarmform::render {

/// The whole plan as text (no trailing blank line); colour per `style`.
std::string plan_text(const plan::Plan& plan, const Style& style);

/// Only the service blocks (what changes, without hosts, findings or
/// summary); empty when nothing changes.
std::string plan_changes_text(const plan::Plan& plan, const Style& style);

}  // namespace swarmform::render
