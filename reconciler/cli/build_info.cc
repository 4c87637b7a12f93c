#include "reconciler/cli/build_info.h"

// The one file that sees the commit (generated at every build by
// cmake/BuildCommit.cmake): a new commit recompiles this file and relinks.
#include "build_commit.h"

namespace swarmform::cli {

std::string build_commit() { return SWARMFORM_COMMIT; }

std::string version_line() {
  return std::string("swarmform ") + SWARMFORM_VERSION + " (commit " + SWARMFORM_COMMIT + ")";
}

}  // namespace swarmform::cli
