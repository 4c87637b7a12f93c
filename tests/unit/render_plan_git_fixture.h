#pragma once
// The rich plan as `plan --base main` makes it from a dirty working tree of
// a branch: the branch moved saleor-api and lowered its limit, added
// lab-echo, dropped old-worker, gave kvm2 more CPUs and turned prune on.

#include "reconciler/plan/desired_diff.h"
#include "unit/plan_rich_fixture.h"

namespace swarmform::plan::testing {

/// The desired state on main, before the branch.
inline model::DesiredState git_base_desired() {
  model::DesiredState d = rich_desired();
  d.hosts["kvm2"].capacity.nano_cpus = cpus(1);
  d.policy.prune = false;
  d.services["saleor-api"].host = "kvm4";
  d.services["saleor-api"].limits.nano_cpus = cpus(1.5);
  d.services["old-worker"] = declared("old-worker", "kvm4", 1, 0.5, 256 * kMi);
  d.services["shared-redis"] = make_service("shared-redis", "kvm4");
  return d;
}

/// The branch's desired state (what rich_plan() plans).
inline model::DesiredState git_head_desired() {
  model::DesiredState d = rich_desired();
  d.services["shared-redis"] = make_service("shared-redis", "kvm4");
  model::Service echo = declared("lab-echo", "kvm2", 1, 0.25, 64 * kMi);
  echo.image = "local/busybox:1";
  d.services["lab-echo"] = echo;
  return d;
}

inline Plan git_plan() {
  Plan p = rich_plan();
  p.commit = "3f2a1bc9d0e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8";
  p.uncommitted = {"examples/kvm/cluster.yaml", "examples/kvm/services.yaml"};
  p.base = "main";
  p.base_commit = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
  p.desired_changes = diff_desired(git_base_desired(), git_head_desired());
  return p;
}

}  // namespace swarmform::plan::testing
