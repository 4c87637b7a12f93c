// `swarmform import` when the swarm cannot be reached (its manager's port
// refuses): the same error as `plan`, exit 1, and nothing written — not the
// host fills, not a services file.  No lab needed.

#include <gtest/gtest.h>

#include <filesystem>

#include "support/metrics_text.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

namespace fs = std::filesystem;

/// The last line of `text` that starts with "swarmform: error: ".
std::string error_line(const std::string& text) {
  size_t at = text.rfind("swarmform: error: ");
  if (at == std::string::npos) return "";
  return text.substr(at, text.find('\n', at) - at);
}

TEST(CliImportUnreachable, AnUnreachableManagerIsPlansErrorAndNothingIsWritten) {
  TempDir dir;
  write_file(dir / "swarmform.yaml", kUnreachableState);
  auto plan = run_swarmform({"plan", "-C", dir.path(), "--connect-timeout", "2"});
  auto import = run_swarmform({"import", "-C", dir.path(), "--connect-timeout", "2"});
  EXPECT_EQ(import.exit_code, 1) << import.out << import.err;
  EXPECT_EQ(plan.exit_code, 1) << plan.out << plan.err;
  EXPECT_FALSE(error_line(import.err).empty()) << import.err;
  EXPECT_EQ(error_line(import.err), error_line(plan.err));

  // A host without capacity (import would fill it): still nothing written.
  const std::string bare = "version: 1\ncluster: {manager: kvm4}\nhosts:\n  kvm4:\n    ssh: root@127.0.0.1:1\n";
  write_file(dir / "swarmform.yaml", bare);
  import = run_swarmform({"import", "-C", dir.path(), "--connect-timeout", "2"});
  EXPECT_EQ(import.exit_code, 1) << import.out << import.err;
  EXPECT_EQ(read_text(dir / "swarmform.yaml"), bare);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path())) names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"swarmform.yaml"});
}

}  // namespace
}  // namespace swarmform::testing
