#pragma once
// Where a plan's desired state came from in git, in words every plan
// rendering shares: the commit or working tree, and the dirty-tree warning.

#include <string>

#include "reconciler/plan/plan.h"

namespace swarmform::render {

/// The first 7 characters of a commit id ("3f2a1bc"), as git log --oneline.
std::string short_commit(const std::string& commit);

/// "Desired state: commit 3f2a1bc (ref origin/main)" when read from a ref,
/// "Desired state: working tree at 3f2a1bc" when read from a working tree;
/// empty when the plan names no commit (not a git repository).
std::string source_line(const plan::Plan& plan);

/// "Warning: uncommitted changes in a.yaml, b.yaml: this plan is not a
/// commit; apply refuses it without --allow-dirty" (at most 5 files named,
/// then "and N more"); empty for a clean tree.
std::string dirty_line(const plan::Plan& plan);

}  // namespace swarmform::render
