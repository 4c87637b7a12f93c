// Where the desired state came from (commit, ref, working tree, dirty files)
// and the --base section "Changes in git", as text and Markdown.

#include <gtest/gtest.h>

#include "reconciler/render/desired_changes.h"
#include "reconciler/render/markdown_escape.h"
#include "reconciler/render/plan_markdown.h"
#include "reconciler/render/plan_source.h"
#include "reconciler/render/plan_text.h"
#include "unit/render_plan_git_fixture.h"

namespace swarmform::render {
namespace {

using plan::DesiredChange;
using plan::Plan;

constexpr const char* kCommit = "3f2a1bc9d0e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8";

TEST(PlanSource, CommitRefOrWorkingTree) {
  Plan p;
  EXPECT_EQ(source_line(p), "");  // not a git repository: nothing said
  p.commit = kCommit;
  EXPECT_EQ(source_line(p), "Desired state: working tree at 3f2a1bc");
  p.ref = "origin/main";
  EXPECT_EQ(source_line(p), "Desired state: commit 3f2a1bc (ref origin/main)");
  EXPECT_EQ(short_commit("abc"), "abc");
}

TEST(PlanSource, DirtyWarningNamesTheFiles) {
  Plan p;
  p.commit = kCommit;
  EXPECT_EQ(dirty_line(p), "");
  p.uncommitted = {"examples/kvm/cluster.yaml", "examples/kvm/services.yaml"};
  EXPECT_EQ(dirty_line(p),
            "Warning: uncommitted changes in examples/kvm/cluster.yaml, "
            "examples/kvm/services.yaml: this plan is not a commit; apply refuses it without "
            "--allow-dirty");
  p.uncommitted = {"a.yaml", "b.yaml", "c.yaml", "d.yaml", "e.yaml", "f.yaml", "g.yaml"};
  EXPECT_NE(dirty_line(p).find("in a.yaml, b.yaml, c.yaml, d.yaml, e.yaml and 2 more: "),
            std::string::npos)
      << dirty_line(p);
}

TEST(PlanSource, TextHeaderAndYellowWarning) {
  Plan p;
  p.commit = kCommit;
  p.uncommitted = {"cluster.yaml"};
  std::string plain = plan_text(p, Style{false});
  EXPECT_EQ(plain.rfind("swarmform plan of desired state (unhashed)\n"
                        "Desired state: working tree at 3f2a1bc\n"
                        "Warning: uncommitted changes in cluster.yaml: this plan is not a commit; "
                        "apply refuses it without --allow-dirty\n\n",
                        0),
            0u)
      << plain;
  std::string coloured = plan_text(p, Style{true});
  EXPECT_NE(coloured.find("\x1b[33mWarning: uncommitted changes in cluster.yaml"),
            std::string::npos);
}

TEST(PlanSource, NoCommitNoHeader) {
  Plan p;
  std::string text = plan_text(p, Style{false});
  EXPECT_EQ(text.find("Desired state:"), std::string::npos);
  EXPECT_EQ(text.find("Changes in git"), std::string::npos);
  EXPECT_EQ(plan_markdown(p).find("Desired state:"), std::string::npos);
}

TEST(DesiredChanges, Words) {
  DesiredChange moved{"service saleor-api",
                      DesiredChange::Kind::changed,
                      {{"host", "kvm4", "kvm2", false}, {"limits.cpus", "1.5", "1", false}}};
  EXPECT_EQ(desired_change_words(moved), "saleor-api: host kvm4 → kvm2, limits.cpus 1.5 → 1");
  EXPECT_EQ(desired_change_words({"service lab-echo", DesiredChange::Kind::added, {}}),
            "lab-echo (new service)");
  EXPECT_EQ(desired_change_words({"service old-worker", DesiredChange::Kind::removed, {}}),
            "old-worker (removed)");
  EXPECT_EQ(desired_change_words({"host kvm5", DesiredChange::Kind::added, {}}),
            "host kvm5 (new host)");
  EXPECT_EQ(desired_change_words(
                {"host kvm2", DesiredChange::Kind::changed, {{"capacity.cpus", "2", "4", false}}}),
            "host kvm2: capacity.cpus 2 → 4");
  EXPECT_EQ(desired_change_words(
                {"policy", DesiredChange::Kind::changed, {{"prune", "false", "true", false}}}),
            "policy: prune false → true");
}

TEST(DesiredChanges, SectionBeforeTheSwarmChanges) {
  Plan p = plan::testing::git_plan();
  std::string text = plan_text(p, Style{false});
  size_t git = text.find("Changes in git (main 1a2b3c4 → this branch 3f2a1bc):\n");
  size_t moved = text.find("  ~ saleor-api: host kvm4 → kvm2, limits.cpus 1.5 → 1\n");
  size_t swarm = text.find("Changes in the swarm:\n~ django-crm");
  ASSERT_NE(git, std::string::npos) << text;
  EXPECT_LT(git, moved);
  EXPECT_LT(moved, swarm);
  EXPECT_NE(text.find("  + lab-echo (new service)\n"), std::string::npos);
  EXPECT_NE(text.find("  - old-worker (removed)\n"), std::string::npos);
  EXPECT_NE(text.find("  ~ host kvm2: capacity.cpus 1 → 2\n"), std::string::npos);

  std::string coloured = plan_text(p, Style{true});
  EXPECT_NE(coloured.find("  \x1b[32m+\x1b[0m lab-echo (new service)"), std::string::npos);
  EXPECT_NE(coloured.find("  \x1b[31m-\x1b[0m old-worker (removed)"), std::string::npos);
}

TEST(DesiredChanges, NoChangesSaysSo) {
  Plan p;
  p.commit = kCommit;
  p.ref = "feature/x";
  p.base = "main";
  p.base_commit = "1a2b3c4d5e";
  EXPECT_EQ(desired_changes_text(p, Style{false}),
            "Changes in git (main 1a2b3c4 → feature/x 3f2a1bc):\n"
            "  No changes to the desired state.\n\n");
  EXPECT_NE(desired_changes_markdown(p).find("### Changes in git\n\nmain 1a2b3c4 → feature/x "
                                             "3f2a1bc\n\nNo changes to the desired state.\n"),
            std::string::npos)
      << desired_changes_markdown(p);
  EXPECT_NE(plan_markdown(p).find("### Changes in the swarm\n\n"
                                  "No changes. The swarm matches the desired state.\n"),
            std::string::npos);
  p.base.clear();
  EXPECT_EQ(desired_changes_text(p, Style{false}), "");
  EXPECT_EQ(desired_changes_markdown(p), "");
}

TEST(DesiredChanges, MarkdownTableEscapesValues) {
  Plan p;
  p.base = "main";
  p.desired_changes = {
      {"service saleor-api",
       DesiredChange::Kind::changed,
       {{"match", "saleor-*", "saleor_api|v2", false}, {"replicas", "1", "2", false}}},
      {"service lab-echo", DesiredChange::Kind::added, {}},
      {"host kvm5", DesiredChange::Kind::removed, {}}};
  std::string md = desired_changes_markdown(p);
  EXPECT_NE(
      md.find("| | Changed | How |\n| --- | --- | --- |\n"
              "| ~ | `saleor-api` | match: saleor-\\* → saleor\\_api\\|v2<br>replicas: 1 → 2 |\n"
              "| + | `lab-echo` | new service |\n"
              "| - | `host kvm5` | removed |\n"),
      std::string::npos)
      << md;
  EXPECT_EQ(markdown_escape("a<b>\n`c`"), "a\\<b\\> \\`c\\`");
}

TEST(DesiredChanges, MarkdownOrder) {
  std::string md = plan_markdown(plan::testing::git_plan());
  size_t source = md.find("Desired state: working tree at 3f2a1bc");
  size_t dirty = md.find("> **Warning: uncommitted changes in examples/kvm/cluster.yaml");
  size_t git = md.find("### Changes in git");
  size_t swarm = md.find("### Changes in the swarm");
  size_t table = md.find("| | Service | Changes | Tasks | Drift |");
  ASSERT_NE(source, std::string::npos) << md;
  EXPECT_LT(source, dirty);
  EXPECT_LT(dirty, git);
  EXPECT_LT(git, swarm);
  EXPECT_LT(swarm, table);
}

}  // namespace
}  // namespace swarmform::render
