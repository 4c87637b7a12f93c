#include "support/git_repo.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/process.h"

namespace swarmform::testing {

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string git(const std::string& dir, const std::string& args) {
  const std::string command =
      "GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=swarmform-test "
      "GIT_AUTHOR_EMAIL=test@swarmform.invalid GIT_COMMITTER_NAME=swarmform-test "
      "GIT_COMMITTER_EMAIL=test@swarmform.invalid git -c init.defaultBranch=main "
      "-c commit.gpgsign=false -c tag.gpgsign=false -C " +
      shell_quote(dir) + " " + args + " 2>&1";
  int status = -1;
  std::string out = run_command(command, &status);
  if (status != 0) ADD_FAILURE() << "git " << args << " in " << dir << " failed: " << out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

void git_init(const std::string& dir) {
  std::filesystem::create_directories(dir);
  git(dir, "init -q -b main");
}

std::string git_commit_all(const std::string& dir, const std::string& message) {
  git(dir, "add -A");
  git(dir, "commit -q --allow-empty -m " + shell_quote(message));
  return git(dir, "rev-parse HEAD");
}

}  // namespace swarmform::testing
