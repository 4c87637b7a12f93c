#pragma once
// A plan as a pull-request comment (GitHub-flavoured Markdown): the summary
// first, where the desired state came from (and a warning for uncommitted
// files), with --base "### Changes in git" then "### Changes in the swarm",
// then a table of changes, the per-host capacity, the findings, and
// the full text plan folded in <details>.

#include <string>

#include "reconciler/plan/plan.h"

namespace swarmform::render {

std::string plan_markdown(const plan::Plan& plan);

}  // namespace swarmform::render
