#pragma once
// A plan as a pull-request comment (GitHub-flavoured Markdown): the summary
// first, then a table of changes, the per-host capacity, the findings, and
// the full text plan folded in <details>.

#include <string>

#include "reconciler/plan/plan.h"

namespace swarmform::render {

std::string plan_markdown(const plan::Plan& plan);

}  // namespace swarmform::render
