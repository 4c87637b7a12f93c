// The bash completion and the man page the build generates from the command
// line's own definitions (build/completion/swarmform, build/swarmform.1):
// bash's completion function run as bash runs it on Tab (COMP_WORDS,
// COMP_CWORD, then COMPREPLY read back) for commands, options, --format's
// choices, -C's folders, --target's service names from the example's desired
// state and --ref's git refs; and every option `--help` lists in the
// completion and in the man page's section for its command.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "reconciler/cli/desired_input.h"
#include "support/git_repo.h"
#include "support/process.h"

namespace swarmform {
namespace {

namespace fs = std::filesystem;
using testing::git_commit_all;
using testing::git_init;
using testing::read_text;
using testing::run_command;
using testing::run_swarmform;
using testing::shell_quote;
using testing::TempDir;
using testing::write_file;

const std::string kBuildDir = fs::path(SWARMFORM_BINARY).parent_path().string();
const std::string kCompletion = kBuildDir + "/completion/swarmform";
const std::string kManPage = kBuildDir + "/swarmform.1";

/// COMPREPLY after `words` (the last one is the word at the cursor, "" after
/// a space), in `cwd`, with the built swarmform first on PATH as an
/// installed one would be.
std::vector<std::string> complete(const std::vector<std::string>& words, const std::string& cwd = SWARMFORM_SOURCE_DIR) {
  std::string array;
  for (const auto& w : words) array += " " + shell_quote(w);
  const std::string script = "source " + shell_quote(kCompletion) + "; COMP_WORDS=(" + array +
                             "); COMP_CWORD=" + std::to_string(words.size() - 1) +
                             "; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; _swarmform; "
                             "printf '%s\\n' \"${COMPREPLY[@]}\"";
  int status = -1;
  const std::string out = run_command("cd " + shell_quote(cwd) + " && PATH=" + shell_quote(kBuildDir) +
                                          ":\"$PATH\" bash --norc --noprofile -c " + shell_quote(script) + " 2>&1",
                                      &status);
  EXPECT_EQ(status, 0) << out;
  std::vector<std::string> replies;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) replies.push_back(line);
  }
  std::ranges::sort(replies);
  return replies;
}

using Words = std::vector<std::string>;

/// The service names the example declares, read by the product's loader.
Words declared_services(const std::string& dir) {
  cli::DesiredInput in = cli::read_desired(dir, cli::CheckBudgets::no);
  EXPECT_TRUE(in.loaded.state.has_value());
  Words names;
  if (in.loaded.state) {
    for (const auto& [name, service] : in.loaded.state->services) names.push_back(name);
  }
  return names;
}

TEST(Completion, CompletesACommandFromItsPrefix) {
  EXPECT_EQ(complete({"swarmform", "pl"}), Words{"plan"});
  EXPECT_EQ(complete({"swarmform", "a"}), (Words{"advise", "agent", "apply"}));
  // Every command, and no hidden one (__man, __complete-services).
  EXPECT_EQ(complete({"swarmform", ""}),
            (Words{"advise", "agent", "apply", "drift", "import", "plan", "show", "state", "unlock", "usage", "validate"}));
  EXPECT_EQ(complete({"swarmform", "__"}), Words{});
}

TEST(Completion, CompletesTheCommandsOwnOptionsAndTheGlobalOnes) {
  EXPECT_EQ(complete({"swarmform", "plan", "--tar"}), Words{"--target"});
  EXPECT_EQ(complete({"swarmform", "plan", "--det"}), Words{"--detailed-exitcode"});
  // A global option after the command name (CLI11 falls through to them).
  EXPECT_EQ(complete({"swarmform", "plan", "--no-c"}), Words{"--no-color"});
  // validate has no --target.
  EXPECT_EQ(complete({"swarmform", "validate", "--tar"}), Words{});
  EXPECT_EQ(complete({"swarmform", "--ver"}), (Words{"--verbose", "--version"}));
}

TEST(Completion, CompletesTargetWithTheServicesTheExampleDeclares) {
  const Words services = declared_services(SWARMFORM_SOURCE_DIR "/examples/kvm");
  ASSERT_GT(services.size(), 3u);
  ASSERT_TRUE(std::ranges::find(services, "temporal-server") != services.end());
  EXPECT_EQ(complete({"swarmform", "plan", "-C", "examples/kvm", "--target", ""}), services);
  EXPECT_EQ(complete({"swarmform", "plan", "-C", "examples/kvm", "--target", "temporal-s"}), Words{"temporal-server"});
  // -C before the command, --dir=, another command taking --target.
  EXPECT_EQ(complete({"swarmform", "-C", "examples/kvm", "apply", "--target", ""}), services);
  EXPECT_EQ(complete({"swarmform", "usage", "--dir", "=", "examples/kvm", "--target", ""}), services);
  EXPECT_EQ(complete({"swarmform", "advise", "-C", "examples/kvm", "--keep", ""}), services);
  // The other example declares other services.
  const Words lab = declared_services(SWARMFORM_SOURCE_DIR "/examples/lab");
  EXPECT_EQ(complete({"swarmform", "plan", "-C", "examples/lab", "--target", ""}), lab);
  EXPECT_NE(lab, services);
}

TEST(Completion, CompletesChoicesFilesAndFolders) {
  EXPECT_EQ(complete({"swarmform", "plan", "--format", ""}), (Words{"json", "markdown", "text"}));
  EXPECT_EQ(complete({"swarmform", "validate", "--format", "j"}), Words{"json"});
  EXPECT_EQ(complete({"swarmform", "-C", "examples/kvm-"}), Words{"examples/kvm-balanced"});
  EXPECT_EQ(complete({"swarmform", "plan", "--out", "examples/kvm/serv"}), Words{"examples/kvm/services.yaml"});
  EXPECT_EQ(complete({"swarmform", "apply", "examples/kvm/serv"}), Words{"examples/kvm/services.yaml"});
  // Nothing to suggest for a duration or a lock id.
  EXPECT_EQ(complete({"swarmform", "agent", "--interval", ""}), Words{});
  EXPECT_EQ(complete({"swarmform", "unlock", ""}), Words{});
}

TEST(Completion, CompletesRefAndBaseWithTheRepositorysRefs) {
  TempDir repo("sf-completion");
  git_init(repo.path());
  write_file(repo / "swarmform.yaml", "version: 1\n");
  git_commit_all(repo.path(), "one");
  testing::git(repo.path(), "branch feature/x");
  testing::git(repo.path(), "tag v1");
  EXPECT_EQ(complete({"swarmform", "plan", "--ref", ""}, repo.path()), (Words{"HEAD", "feature/x", "main", "v1"}));
  EXPECT_EQ(complete({"swarmform", "plan", "--base", "fe"}, repo.path()), Words{"feature/x"});
}

/// The switches `swarmform CMD --help` lists ("--target", "-C", ...).
std::set<std::string> help_switches(const std::string& command) {
  auto r = run_swarmform({command, "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> names;
  static const std::regex name(R"((^|[ ,])(--?[A-Za-z][A-Za-z0-9-]*))");
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("  -")) continue;  // option lines only
    const std::string head = line.substr(0, line.find("  ", 2));
    for (std::sregex_iterator it(head.begin(), head.end(), name), end; it != end; ++it) names.insert((*it)[2]);
  }
  return names;
}

TEST(Completion, OffersEveryOptionHelpListsAndTheManPageDescribesIt) {
  const std::string man = read_text(kManPage);
  ASSERT_FALSE(man.empty()) << kManPage;
  for (const std::string command :
       {"validate", "state", "import", "usage", "advise", "plan", "show", "apply", "unlock", "drift", "agent"}) {
    const std::set<std::string> switches = help_switches(command);
    ASSERT_GT(switches.size(), 1u) << command;
    const Words offered = complete({"swarmform", command, "-"});
    // The command's section of the page: from its .SS to the next .SS/.SH.
    const size_t start = man.find(".SS \"swarmform " + command + "\"");
    ASSERT_NE(start, std::string::npos) << command;
    const std::string section = man.substr(start, man.find("\n.S", start + 1) - start);
    for (const std::string& s : switches) {
      EXPECT_TRUE(std::ranges::find(offered, s) != offered.end()) << command << " " << s << " is not completed";
      if (s == "--help" || s == "-h") continue;
      std::string roff;
      for (char c : s) roff += c == '-' ? std::string("\\-") : std::string(1, c);
      EXPECT_NE(section.find("\\fB" + roff + "\\fR"), std::string::npos) << command << " " << s << " is not in the man page";
    }
  }
}

TEST(ManPage, RendersWithoutWarnings) {
  int status = -1;
  run_command("command -v groff >/dev/null", &status);
  if (status != 0) GTEST_SKIP() << "SKIPPED LOUDLY: groff (groff-base) is needed to render the man page";
  const std::string warnings =
      run_command("groff -man -Tutf8 -ww -z " + shell_quote(kManPage) + " 2>&1", &status);
  EXPECT_EQ(status, 0) << warnings;
  EXPECT_EQ(warnings, "");
  const std::string text = run_command("groff -man -Tutf8 -P -cbou " + shell_quote(kManPage) + " 2>/dev/null");
  EXPECT_NE(text.find("swarmform plan [OPTIONS]"), std::string::npos) << text.substr(0, 400);
}

}  // namespace
}  // namespace swarmform
