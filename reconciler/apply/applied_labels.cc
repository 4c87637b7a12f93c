#include "reconciler/apply/applied_labels.h"

#include "reconciler/plan/applied_label.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::apply {

engine::Labels applied_labels(const plan::Plan& plan, const plan::ServiceChange& change) {
  engine::Labels labels{{plan::kManagedLabel, "true"},
                        {plan::kAppliedLabel, plan::encode_applied(change.desired_host, change.desired)}};
  // A dirty tree (apply --allow-dirty) is not the commit: say so, as git
  // describe --dirty does.  No commit known (a folder outside git): remove
  // the label an earlier apply wrote, which would now be untrue.
  labels[plan::kCommitLabel] = plan.commit.empty() ? "" : printable(plan.commit) + (plan.dirty() ? "-dirty" : "");
  return labels;
}

}  // namespace swarmform::apply
