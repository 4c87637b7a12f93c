#pragma once
// `import --update`: the declared values of drifted services set back to
// what runs, as edits of the files that declare them (a change made on
// purpose outside git becomes a commit instead of being reverted).  A pure
// function: the edits are applied by the YAML editor (config/yaml_edit.h).

#include <string>
#include <vector>

#include "reconciler/model/desired.h"
#include "reconciler/model/live.h"
#include "reconciler/adopt/value_edit.h"

namespace swarmform::adopt {

struct UpdateResult {
  std::vector<ValueEdit> edits;    ///< by service name, then field order
  std::vector<std::string> notes;  ///< what cannot be adopted, and why
};

/// For every declared service in `targets` (all when empty) that matches
/// exactly one live service: each owned field it declares whose live value
/// differs becomes an edit to the live value; a declared host whose service
/// now runs pinned to another declared host's node becomes an edit of
/// `host:`.  What cannot be written as a value (a limit removed live, a pin
/// to an undeclared node, a service no longer pinned) is a note instead.
UpdateResult update_edits(const model::DesiredState& desired, const model::LiveState& live,
                          const std::vector<std::string>& targets);

}  // namespace swarmform::adopt
