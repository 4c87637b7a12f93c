#pragma once
// What this binary is: its version and the commit it was built from.

#include <string>

namespace swarmform::cli {

/// The commit the binary was built from: 7 hex digits, with "-dirty" when the
/// tree had uncommitted changes to tracked files; "unknown" when it was not
/// built from a git checkout.
std::string build_commit();

/// `swarmform --version`: "swarmform 0.1.0 (commit 95c5ed8)".
std::string version_line();

}  // namespace swarmform::cli
