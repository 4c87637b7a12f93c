#pragma once
// An edit of one value in one desired-state file, and applying a file's
// edits through the YAML editor (config/yaml_edit.h): what import fills into
// hosts and what `import --update` adopts are both lists of these.

#include <string>
#include <vector>

#include "reconciler/util/result.h"

namespace swarmform::adopt {

/// One value to set in one file, at a path of map keys from the root.
struct ValueEdit {
  std::string file;
  std::vector<std::string> path;  ///< {"services", "api", "limits", "cpus"}
  std::string value;              ///< the plain text of the new value ("2", "1GiB", "kvm2")
  std::string comment;            ///< for the value's line when it has none; empty for none
  std::string what;               ///< "api: limits.cpus 1.5 -> 2" for the summary; empty: not listed
};

/// `text` (the content of `file`) with `edits` made in order; an error
/// (file:line:column) when one cannot be made, the text then unused.
Result<std::string> apply_edits(const std::string& file, const std::string& text, const std::vector<ValueEdit>& edits);

}  // namespace swarmform::adopt
