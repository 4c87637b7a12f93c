#pragma once
// Real git repositories for tests, made with git's own CLI (not libgit2, so
// the code under test does not check itself).

#include <string>

#include "support/temp_dir.h"

namespace swarmform::testing {

/// Single-quotes `text` for sh.
std::string shell_quote(const std::string& text);

/// Runs `git <args>` in `dir` (args are inserted into a shell command as
/// written: quote paths with shell_quote) with a fixed identity and no user
/// or system config, and returns its stdout without the trailing newline.
/// A failing git fails the current test (ADD_FAILURE) with its output.
std::string git(const std::string& dir, const std::string& args);

/// `git init -b main` in `dir` (created if missing).
void git_init(const std::string& dir);

/// Stages everything in `dir`'s repository and commits it; returns the new
/// commit's full sha.
std::string git_commit_all(const std::string& dir, const std::string& message);

}  // namespace swarmform::testing
