#pragma once

#include <string>

namespace swarmform::cli {

/// Options every command takes.
struct GlobalOptions {
  std::string dir = ".";  ///< -C: the desired-state directory
  bool no_color = false;
  int verbosity = 0;  ///< -v: 1 debug, 2 trace (spdlog to stderr)
};

/// Exit codes, as Terraform's -detailed-exitcode.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitChanges = 2;

}  // namespace swarmform::cli
