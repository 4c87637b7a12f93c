#pragma once
// plan --base: how the desired state changed in git (base ref -> this
// branch), as a terminal section and as a Markdown section for a pull
// request.  Shown before what applying the branch changes in the swarm.

#include <string>

#include "reconciler/plan/plan.h"
#include "reconciler/render/style.h"

namespace swarmform::render {

/// "main 1a2b3c4 → this branch 3f2a1bc": the base ref and commit, then the
/// plan's ref (or "this branch" for a working tree) and commit.
std::string desired_changes_range(const plan::Plan& plan);

/// '+', '-', '~'.
char desired_change_symbol(plan::DesiredChange::Kind kind);

/// One change in words: "saleor-api: host kvm4 → kvm2, limits.cpus 1.5 → 1",
/// "lab-echo (new service)", "old-worker (removed)", "host kvm2:
/// capacity.cpus 2 → 4", "host kvm5 (new host)", "policy: prune false → true".
/// Services go by their name alone; other subjects as the plan spells them.
std::string desired_change_words(const plan::DesiredChange& change);

/// "Changes in git (<range>):" and one "  ~ words" line per change (symbol
/// coloured like the service blocks), or "  No changes to the desired
/// state.", then a blank line.  Empty when the plan has no base.
std::string desired_changes_text(const plan::Plan& plan, const Style& style);

/// "### Changes in git", the range, and a table of the changes (symbol,
/// subject, "new service" / "removed" / the fields one per line), or "No
/// changes to the desired state.", then a blank line.  Values from git are
/// escaped for Markdown.  Empty when the plan has no base.
std::string desired_changes_markdown(const plan::Plan& plan);

}  // namespace swarmform::render
