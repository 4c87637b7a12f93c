// `apply PLANFILE` refusals that need no swarm: a saved plan without the
// desired state it came from, and a plan file larger than the cap, are
// refused before anything is contacted (the lab cases are in
// integration/cli_apply_saved_plan_test.cc).

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/process.h"

namespace swarmform::testing {
namespace {

// No lab needed: the desired state is missing before anything is contacted.
TEST(CliApplySavedPlan, WithoutTheDesiredStateItSaysASavedPlanNeedsIt) {
  std::string dir = make_temp_dir("sf-saved-nostate");
  write_file(
      dir + "/saved.plan",
      R"({"format_version": "1.1", "desired_hash": "fnv1a64:0123456789abcdef", "commit": "3f2c1a0",)"
      R"( "targets": [], "services": [], "hosts": [], "findings": []})");
  auto r = run_swarmform({"apply", "saved.plan"}, dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("a saved plan needs the desired state it was made from (it was made from "
                       "commit 3f2c1a0): "
                       "give its folder with -C DIR, or its commit with --ref REF"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("no desired-state files (*.yaml, *.yml) found in"), std::string::npos)
      << r.err;
  std::filesystem::remove_all(dir);
}

// No lab needed: the size is refused before the file is read.
TEST(CliApplySavedPlan, APlanFileLargerThanTheCapIsNotRead) {
  std::string dir = make_temp_dir("sf-saved-big");
  const std::string big = dir + "/big.plan";
  write_file(big, "{");
  std::filesystem::resize_file(big, 129 * 1024 * 1024);  // sparse: costs no disk
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"show", big}, std::vector<std::string>{"apply", "-C", dir, big}}) {
    auto r = run_swarmform(args);
    EXPECT_EQ(r.exit_code, 1) << args[0];
    EXPECT_NE(r.err.find(big + " is larger than a plan file may be (128 MiB"), std::string::npos)
        << r.err;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace swarmform::testing
