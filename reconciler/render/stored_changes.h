#pragma once
// A plan's stored copies that differ (integrations.dokploy) as text and
// Markdown: one line per field, "dokploy: stored limits.cpus 1 → 1.5 (a
// Dokploy redeploy would otherwise revert it)".  Empty when there are none.

#include <string>

#include "reconciler/plan/plan.h"
#include "reconciler/render/style.h"

namespace swarmform::render {

std::string stored_changes_text(const plan::Plan& p, const Style& style);
std::string stored_changes_markdown(const plan::Plan& p);

}  // namespace swarmform::render
