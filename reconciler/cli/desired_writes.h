#pragma once
// Writing the user's desired-state files for the commands that edit them
// (`import`, `advise --write`): edits gathered per file on top of what was
// read, then every file written as one change (util's
// write_files_atomically: an error leaves them all as they were).

#include <map>
#include <string>
#include <vector>

#include "reconciler/adopt/value_edit.h"
#include "reconciler/cli/desired_input.h"
#include "reconciler/util/result.h"

namespace swarmform::cli {

/// The files a command will write: path -> new content.
struct Writes {
  std::map<std::string, std::string> content;
  std::vector<std::string> order;  ///< paths, in the order they were first edited

  /// The content to edit for `path`, `current` the first time it is asked for.
  std::string& at(const std::string& path, const std::string& current) {
    auto [it, fresh] = content.emplace(path, current);
    if (fresh) order.push_back(path);
    return it->second;
  }
};

/// The desired-state file `in` read as `path` (the same file, however
/// named), or null.
const model::SourceFile* desired_file(const DesiredInput& in, const std::string& path);

/// Makes `edits` in the desired-state files they name (in the order given,
/// per file), on top of what `writes` already holds for them; an error names
/// the file that could not be edited (and nothing is written yet).
Result<void> make_edits(const DesiredInput& in, const std::string& dir, const std::vector<adopt::ValueEdit>& edits,
                        Writes& writes);

/// Every file as one change, each keeping its mode (0644 for a new one).
Result<void> write_all(const Writes& writes);

}  // namespace swarmform::cli
