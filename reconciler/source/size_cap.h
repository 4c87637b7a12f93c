#pragma once
// The cap on the desired state's total size, counted as its files are read
// (a folder and a commit alike), so an oversized state is refused before it
// is held in memory.

#include <cstddef>
#include <string>

#include "reconciler/model/source_file.h"
#include "reconciler/util/result.h"

namespace swarmform::source {

class TotalSizeCap {
 public:
  /// `bytes` of the file `name` are about to be read.  An error naming the
  /// file, the limit (model::kMaxSourceTotalBytes) and what to do when they
  /// take the total past it; nothing is counted then.
  Result<void> add(const std::string& name, std::size_t bytes);

 private:
  std::size_t total_ = 0;
};

}  // namespace swarmform::source
