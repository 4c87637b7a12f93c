#include "reconciler/plan/drift.h"

#include "reconciler/model/placement.h"

namespace swarmform::plan {

using model::OwnedField;
using model::OwnedFields;

OwnedFields live_owned(const model::LiveService& live, const OwnedFields& desired) {
  OwnedFields out = model::only_owned_by(model::owned_fields_of(live), desired);
  // Drift reads a pin only when it is the one pin: several name no node.
  out.node.reset();
  std::vector<std::string> nodes = model::pinned_nodes(live.constraints);
  if (nodes.size() == 1) out.node = nodes.front();
  return out;
}

Drift attribute_drift(const OwnedFields& desired, const OwnedFields& live, const OwnedFields& applied) {
  bool outside = false;
  bool in_git = false;
  for (OwnedField f : model::kOwnedFields) {
    if (!model::owns(desired, f) || model::same_value(desired, live, f)) continue;
    if (!model::owns(applied, f)) {
      in_git = true;
      continue;
    }
    if (!model::same_value(desired, applied, f)) in_git = true;
    if (!model::same_value(live, applied, f)) outside = true;
  }
  if (outside && in_git) return Drift::both;
  if (outside) return Drift::changed_outside;
  if (in_git) return Drift::changed_in_git;
  return Drift::none;
}

}  // namespace swarmform::plan
