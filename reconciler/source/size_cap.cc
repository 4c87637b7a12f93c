#include "reconciler/source/size_cap.h"

namespace swarmform::source {

Result<void> TotalSizeCap::add(const std::string& name, std::size_t bytes) {
  if (bytes > model::kMaxSourceTotalBytes - total_) {
    constexpr std::size_t kMiB = 1024 * 1024;
    return fail(name + ": the desired state is larger than " + std::to_string(model::kMaxSourceTotalBytes / kMiB) +
                " MiB, the limit for all its files together, with this file (" +
                std::to_string((total_ + kMiB - 1) / kMiB) +
                " MiB read before it); keep only desired-state YAML in the folder, or split the state");
  }
  total_ += bytes;
  return {};
}

}  // namespace swarmform::source
