#pragma once
// Running the real swarmform binary and shell commands from tests, as a user
// would; reading and writing the files they use.

#include <string>
#include <vector>

#include "support/temp_dir.h"

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

/// Runs a shell command, returns its stdout; exit status in *status.
std::string run_command(const std::string& command, int* status = nullptr);

/// Writes `content` to `path` (creating parent directories).
void write_file(const std::string& path, const std::string& content);

/// The whole content of the file at `path` ("" when it cannot be read).
std::string read_text(const std::string& path);

}  // namespace swarmform::testing
