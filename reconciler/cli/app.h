#pragma once

namespace swarmform::cli {

/// Parses the command line, runs one command and returns the process exit
/// code: 0 success and nothing to change, 1 error, 2 success with changes.
int run(int argc, char** argv);

}  // namespace swarmform::cli
