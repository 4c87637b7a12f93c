#pragma once
// Running the real swarmform binary from tests, as a user would.

#include <string>
#include <vector>

namespace swarmform::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

/// Runs the built swarmform with `args` (each passed as one argument, no
/// shell) in `cwd` (the source tree when empty), with NO_COLOR set plus
/// `env` entries ("KEY=VALUE"); waits for it.
CommandResult run_swarmform(const std::vector<std::string>& args, const std::string& cwd = "",
                            const std::vector<std::string>& env = {});

/// A fresh empty directory under the test temp dir, removed by the caller.
std::string make_temp_dir(const std::string& prefix);

/// Writes `content` to `path` (creating parent directories).
void write_file(const std::string& path, const std::string& content);

}  // namespace swarmform::testing
