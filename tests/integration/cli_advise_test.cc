// `swarmform advise` on the real lab: the capacity loop of the README —
// usage --record, advise --write, validate, apply, usage — with loads whose
// answer is known: a busy loop held to 0.2 CPU by its limit (starved: it
// wants a whole core) and an idle task with a whole CPU it never uses.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/git_repo.h"
#include "support/lab_state.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

using json = nlohmann::json;

constexpr const char* kBusyLoop = "sh -c 'trap \"exit 0\" TERM INT; while :; do :; done'";

const json* service_row(const json& doc, const std::string& name) {
  for (const auto& s : doc["services"]) {
    if (s["name"] == name) return &s;
  }
  return nullptr;
}

bool has_flag(const json& row, const std::string& flag) {
  for (const auto& f : row["flags"]) {
    if (f == flag) return true;
  }
  return false;
}

/// The lines `git diff` shows as removed or added (without the ---/+++ headers).
std::vector<std::string> changed_lines(const std::string& dir) {
  std::istringstream diff(run_command("git -C " + dir + " diff -U0"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(diff, line);) {
    if (line.starts_with("---") || line.starts_with("+++")) continue;
    if (line.starts_with("-") || line.starts_with("+")) lines.push_back(line);
  }
  return lines;
}

TEST(CliAdvise, RecordedStarvationBecomesAReviewedEditThatAppliesAndEndsIt) {
  SF_REQUIRE_LAB(lab);
  const std::string starved = unique_name("adv-starved");
  const std::string idle = unique_name("adv-idle");
  ServiceCleanup cleanup(lab, {starved, idle});
  int status = -1;
  std::string out = docker(lab,
                           "service create --detach --no-resolve-image --name " + starved +
                               " --limit-cpu 0.2 --limit-memory 64M --constraint node.hostname==kvm4 " +
                               lab.get("LAB_IMAGE") + " " + kBusyLoop,
                           &status);
  ASSERT_EQ(status, 0) << out;
  ASSERT_NO_FATAL_FAILURE(create_service(
      lab, idle, "--limit-cpu 1 --limit-memory 256M --constraint node.hostname==kvm2"));
  ASSERT_TRUE(wait_running(lab, starved, 1));
  ASSERT_TRUE(wait_running(lab, idle, 1));

  // The desired state declares them as they run (plan is clean), with a
  // comment and a layout that the edit must keep.
  const std::string services =
      "services:\n"
      "  " + starved + ":   # the busy one\n"
      "    image: " + lab.get("LAB_IMAGE") + "\n"
      "    host: kvm4\n"
      "    limits: {cpus: 0.2, memory: 64MiB}\n"
      "  " + idle + ":\n"
      "    image: " + lab.get("LAB_IMAGE") + "\n"
      "    host: kvm2\n"
      "    limits:\n"
      "      cpus: 1      # sized for a peak that never came\n"
      "      memory: 256MiB\n";
  const std::string dir = write_lab_state(lab, services, kWideBudget);
  git_init(dir);
  git_commit_all(dir, "desired state");
  TempDir state("sf-advise-db");
  const std::string db = state / "usage.db";

  // Three recorded windows: the history advise reads (its minimums lowered
  // to what a test can wait for; the defaults want an hour).
  for (int i = 0; i < 3; ++i) {
    CommandResult r = run_swarmform({"usage", "-C", dir, "--window", "2s", "--record", "--db", db,
                                     "--target", starved, "--target", idle});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  const std::vector<std::string> history = {"--db", db, "--since", "1h", "--min-windows", "3", "--min-span", "1s"};
  auto advise = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"advise", "-C", dir};
    args.insert(args.end(), history.begin(), history.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return run_swarmform(args);
  };

  CommandResult j = advise({"--format", "json"});
  ASSERT_EQ(j.exit_code, 0) << j.out << j.err;
  const json advice = json::parse(j.out);
  EXPECT_EQ(advice["basis"]["kind"], "history") << j.out;
  EXPECT_GE(advice["basis"]["windows"].get<int>(), 3) << j.out;
  EXPECT_TRUE(advice["fits"].get<bool>()) << j.out;
  const json* s = service_row(advice, starved);
  ASSERT_NE(s, nullptr) << j.out;
  EXPECT_TRUE((*s)["starved"].get<bool>()) << *s;
  // It wants a core; the limit cut most of it off: the raise covers the
  // estimated demand, well past 0.2.
  EXPECT_GE((*s)["limits_after"]["cpus"].get<double>(), 0.5) << *s;
  const json* i = service_row(advice, idle);
  ASSERT_NE(i, nullptr) << j.out;
  EXPECT_EQ((*i)["limits_after"]["cpus"].get<double>(), 0.05) << *i;  // the floor
  EXPECT_LT((*i)["limits_after"]["memory_bytes"].get<int64_t>(), 256LL << 20) << *i;

  // --write refuses a tree with uncommitted changes: the advice must be a
  // change of its own.
  const std::string committed = read_text(dir + "/services.yaml");
  write_file(dir + "/services.yaml", committed + "# scratch\n");
  CommandResult dirty = advise({"--write"});
  EXPECT_EQ(dirty.exit_code, 1) << dirty.out << dirty.err;
  EXPECT_NE(dirty.err.find("uncommitted changes"), std::string::npos) << dirty.err;
  EXPECT_EQ(read_text(dir + "/services.yaml"), committed + "# scratch\n");  // nothing written
  write_file(dir + "/services.yaml", committed);
  EXPECT_TRUE(changed_lines(dir).empty());

  CommandResult w = advise({"--write"});
  ASSERT_EQ(w.exit_code, 0) << w.out << w.err;
  EXPECT_NE(w.out.find("Wrote"), std::string::npos) << w.out;
  // git diff is the proposal: only limits and reservations lines changed
  // (the reservations inserted where none were declared), comments kept.
  const std::vector<std::string> lines = changed_lines(dir);
  ASSERT_FALSE(lines.empty());
  for (const auto& line : lines) {
    const bool sizing_line = line.find("cpus") != std::string::npos || line.find("memory") != std::string::npos ||
                             line.find("reservations:") != std::string::npos;
    EXPECT_TRUE(sizing_line) << "unexpected change: " << line;
  }
  const std::string edited = read_text(dir + "/services.yaml");
  EXPECT_NE(edited.find("# the busy one"), std::string::npos) << edited;
  EXPECT_NE(edited.find("# sized for a peak that never came"), std::string::npos) << edited;
  EXPECT_NE(edited.find("cpus: 0.05"), std::string::npos) << edited;

  CommandResult v = run_swarmform({"validate", "-C", dir});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  CommandResult a = run_swarmform({"apply", "-C", dir, "--auto-approve", "--allow-dirty", "--target", starved,
                                   "--target", idle});
  ASSERT_EQ(a.exit_code, 0) << a.out << a.err;
  ASSERT_TRUE(wait_running(lab, starved, 1));
  CommandResult p = run_swarmform({"plan", "-C", dir, "--detailed-exitcode", "--target", starved, "--target", idle});
  EXPECT_EQ(p.exit_code, 0) << p.out << p.err;

  // Afterwards the busy loop is no longer starved: a single thread cannot
  // use more than the core its new limit gives it.
  CommandResult u = run_swarmform({"usage", "-C", dir, "--window", "2s", "--format", "json", "--target", starved});
  ASSERT_EQ(u.exit_code, 0) << u.out << u.err;
  const json after = json::parse(u.out);
  const json* row = service_row(after, starved);
  ASSERT_NE(row, nullptr) << u.out;
  EXPECT_FALSE(has_flag(*row, "starved")) << *row;
}

TEST(CliAdvise, ALiveWindowIsSaidToBeAWeakBasisAndBadFlagsAreRefusedBeforeAnyRead) {
  SF_REQUIRE_LAB(lab);
  const std::string idle = unique_name("adv-live");
  ServiceCleanup cleanup(lab, {idle});
  ASSERT_NO_FATAL_FAILURE(create_with_cli(lab, idle, "--limit-cpu 1 --constraint node.hostname==kvm2"));
  const std::string dir = write_lab_state(
      lab, "services:\n  " + idle + ":\n    image: " + lab.get("LAB_IMAGE") + "\n    host: kvm2\n    limits: {cpus: 1}\n",
      kWideBudget);
  CommandResult r = run_swarmform({"advise", "-C", dir, "--window", "2s", "--no-color"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("weak basis"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(idle), std::string::npos) << r.out;

  // Each refused before anything is dialled or measured.
  for (const auto& [args, says] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--what-if", "kvm9.cpus=8"}, "no host kvm9"},
           {{"--keep", "nope"}, "--keep nope names no declared service"},
           {{"--target-utilization", "1.5"}, "--target-utilization"},
           {{"--window", "2s", "--since", "7d"}, "--window measures now"},
           {{"--allow-dirty"}, "--allow-dirty goes with --write"},
           {{"--window", "2s", "--min-windows", "3"}, "a live window (--window) is one sample"},
           {{"--write", "--what-if", "kvm4.cpus=8"}, "change `capacity:` in the desired state first"},
           {{"--db", "/nonexistent/usage.db"}, "--db /nonexistent/usage.db: no such file"}}) {
    std::vector<std::string> argv = {"advise", "-C", dir};
    argv.insert(argv.end(), args.begin(), args.end());
    CommandResult bad = run_swarmform(argv);
    EXPECT_EQ(bad.exit_code, 1) << args.front() << ": " << bad.out << bad.err;
    EXPECT_NE(bad.err.find(says), std::string::npos) << args.front() << ": " << bad.err;
  }

  // A history too thin to rest on: without --write advise would measure a
  // live minute instead and say so; --write refuses at once rather than
  // write what one minute suggests.
  TempDir state("sf-advise-thin");
  const std::string db = state / "thin.db";
  CommandResult rec = run_swarmform({"usage", "-C", dir, "--window", "1s", "--record", "--db", db, "--target", idle});
  ASSERT_EQ(rec.exit_code, 0) << rec.out << rec.err;
  CommandResult thin = run_swarmform({"advise", "-C", dir, "--db", db, "--write"});
  EXPECT_EQ(thin.exit_code, 1) << thin.out << thin.err;
  EXPECT_NE(thin.err.find("holds 1 window over"), std::string::npos) << thin.err;
  EXPECT_NE(thin.err.find("nothing written"), std::string::npos) << thin.err;
  EXPECT_NE(thin.err.find("--window"), std::string::npos) << thin.err;
}

}  // namespace
}  // namespace swarmform::testing
