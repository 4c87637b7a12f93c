#pragma once

#include <string>
#include <vector>

#include "reconciler/model/source_file.h"
#include "reconciler/util/result.h"

namespace swarmform::source {

/// Reads every `*.yaml` / `*.yml` file directly in `dir` (not subfolders;
/// hidden files skipped), sorted by name.  Names are `dir/file` as the user
/// wrote `dir` (just `file` for "."), for messages.  Fails when `dir` is not a
/// readable directory or a file cannot be read, or when the files together
/// pass model::kMaxSourceTotalBytes (naming the file that does); an empty
/// list is not an error.
Result<std::vector<model::SourceFile>> read_directory(const std::string& dir);

}  // namespace swarmform::source
