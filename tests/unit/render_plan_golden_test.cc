// Golden files: the rich plan as text (no colour), Markdown and JSON, the
// same plan made with --base from a dirty working tree, and an empty plan as
// text.  SWARMFORM_UPDATE_GOLDEN=1 rewrites them.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "reconciler/plan/plan_file.h"
#include "reconciler/render/plan_markdown.h"
#include "reconciler/render/plan_text.h"
#include "unit/render_plan_git_fixture.h"

namespace swarmform::render {
namespace {

std::string golden_path(const std::string& name) {
  return std::string(SWARMFORM_SOURCE_DIR) + "/tests/golden/" + name;
}

void expect_golden(const std::string& name, const std::string& got) {
  const std::string path = golden_path(name);
  const char* update = std::getenv("SWARMFORM_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << got;
    GTEST_SKIP() << "rewrote " << path;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << path << " is missing: run with SWARMFORM_UPDATE_GOLDEN=1";
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(got, want.str()) << "differs from " << path
                             << " (SWARMFORM_UPDATE_GOLDEN=1 rewrites it)";
}

TEST(PlanGolden, Text) {
  expect_golden("plan_rich.txt", plan_text(plan::testing::rich_plan(), Style{false}));
}

TEST(PlanGolden, Markdown) {
  expect_golden("plan_rich.md", plan_markdown(plan::testing::rich_plan()));
}

TEST(PlanGolden, Json) {
  expect_golden("plan_rich.json", plan::plan_json_text(plan::testing::rich_plan()));
}

TEST(PlanGolden, BaseAndDirtyText) {
  expect_golden("plan_git.txt", plan_text(plan::testing::git_plan(), Style{false}));
}

TEST(PlanGolden, BaseAndDirtyMarkdown) {
  expect_golden("plan_git.md", plan_markdown(plan::testing::git_plan()));
}

TEST(PlanGolden, BaseAndDirtyJson) {
  expect_golden("plan_git.json", plan::plan_json_text(plan::testing::git_plan()));
}

TEST(PlanGolden, NoChangesText) {
  model::DesiredState d = plan::testing::rich_desired();
  plan::Plan p = plan::compute_plan(d, plan::testing::live_matching(d), {});
  expect_golden("plan_empty.txt", plan_text(p, Style{false}));
}

/// A plan with nothing to change only because an error stopped it: a
/// declared service without an image that the swarm does not run.
plan::Plan blocked_empty_plan() {
  model::DesiredState d = plan::testing::rich_desired();
  model::LiveState live = plan::testing::live_matching(d);
  d.services["billing"] = plan::testing::make_service("billing", "kvm2");
  return plan::compute_plan(d, live, {});
}

TEST(PlanGolden, BlockedWithoutChangesText) {
  plan::Plan p = blocked_empty_plan();
  ASSERT_TRUE(p.empty());
  ASSERT_TRUE(p.blocked());
  const std::string text = plan_text(p, Style{false});
  EXPECT_EQ(text.find("The swarm matches the desired state"), std::string::npos) << text;
  expect_golden("plan_blocked_empty.txt", text);
}

TEST(PlanGolden, BlockedWithoutChangesMarkdown) {
  plan::Plan p = blocked_empty_plan();
  const std::string md = plan_markdown(p);
  EXPECT_EQ(md.find("The swarm matches the desired state"), std::string::npos) << md;
  expect_golden("plan_blocked_empty.md", md);
}

}  // namespace
}  // namespace swarmform::render
