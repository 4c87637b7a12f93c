// `swarmform import` against the lab, for what it writes and refuses to
// write: --out at things that are not ours (a device, a FIFO, a directory, a
// symlink, "-", a missing folder), several files written as one change (a
// failure on one leaves every file as it was, no temporary file), new
// entries appended to the file that declares the hosts, the neighbours'
// modeline with -C ., and --update's refusals and messages.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "support/lab_state.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

namespace fs = std::filesystem;

/// The names in `dir`, sorted: no temporary file may be left behind.
std::vector<std::string> entries_of(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class CliImportFiles : public ::testing::Test {
 protected:
  /// A lab desired state in a new temp dir whose kvm4 declares no capacity
  /// (so import fills it into cluster.yaml), with `services` as services.yaml.
  std::string state_without_kvm4_capacity(const Lab& lab, const std::string& services = "") {
    std::string dir = write_lab_state(lab, services);
    std::string cluster = read_text(dir + "/cluster.yaml");
    const std::string capacity = "    capacity: {cpus: 2, memory: 4GiB}\n";
    cluster.erase(cluster.find(capacity), capacity.size());  // kvm4's: the first host
    write_file(dir + "/cluster.yaml", cluster);
    dirs_.push_back(dir);
    return dir;
  }

  void TearDown() override {
    for (const auto& d : dirs_) fs::remove_all(d);
  }

  std::vector<std::string> dirs_;
  std::string name_ = unique_name("import") + "-svc";  // no 6-character last part: not globbed
};

TEST_F(CliImportFiles, AFailedWriteOfOneFileLeavesEveryFileAsItWas) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_});
  ASSERT_NO_FATAL_FAILURE(create_service(lab, name_, "--replicas 0 --constraint node.hostname==kvm4"));
  std::string dir = state_without_kvm4_capacity(lab);
  const std::string cluster = read_text(dir + "/cluster.yaml");
  const auto before = entries_of(dir);

  // The host fill goes to cluster.yaml, the entries to a folder that does
  // not exist: the second write fails, so the first must not happen.
  auto r = run_swarmform({"import", "-C", dir, "--out", dir + "/missing/services.yaml"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(has(r.err, dir + "/missing/services.yaml")) << r.err;
  EXPECT_EQ(read_text(dir + "/cluster.yaml"), cluster);
  EXPECT_EQ(entries_of(dir), before);

  // The same with the entries refused at a directory (--force replaces
  // files, never a directory).
  fs::create_directory(dir + "/out.yaml.d");
  r = run_swarmform({"import", "-C", dir, "--out", dir + "/out.yaml.d", "--force"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(read_text(dir + "/cluster.yaml"), cluster);
  EXPECT_TRUE(fs::is_empty(dir + "/out.yaml.d"));
}

TEST_F(CliImportFiles, OutAtWhatIsNotARegularFileIsRefusedAndLeftAsItWas) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_});
  ASSERT_NO_FATAL_FAILURE(create_service(lab, name_, "--replicas 0 --constraint node.hostname==kvm4"));
  std::string dir = state_without_kvm4_capacity(lab);
  const std::string cluster = read_text(dir + "/cluster.yaml");
  std::string other = make_temp_dir("sf-import-out");
  dirs_.push_back(other);
  ASSERT_EQ(::mkfifo((other + "/fifo").c_str(), 0600), 0);
  fs::create_directory(other + "/folder");
  write_file(other + "/target.yaml", "mine: 1\n");
  fs::create_symlink(other + "/target.yaml", other + "/link.yaml");

  for (const std::string& out : {std::string("/dev/null"), other + "/fifo", other + "/folder", other + "/link.yaml"}) {
    for (bool force : {false, true}) {
      std::vector<std::string> args = {"import", "-C", dir, "--out", out};
      if (force) args.push_back("--force");
      auto r = run_swarmform(args);
      EXPECT_EQ(r.exit_code, 1) << out << (force ? " --force\n" : "\n") << r.out << r.err;
      EXPECT_TRUE(has(r.err, out)) << r.err;
      // --force replaces a file: it cannot help here, so it is not offered.
      EXPECT_FALSE(has(r.err, "--force")) << out << ": " << r.err;
      EXPECT_EQ(read_text(dir + "/cluster.yaml"), cluster) << out;
    }
  }
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  ASSERT_EQ(::lstat((other + "/fifo").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_TRUE(fs::is_symlink(other + "/link.yaml"));
  EXPECT_EQ(read_text(other + "/target.yaml"), "mine: 1\n");
  EXPECT_EQ(entries_of(other), (std::vector<std::string>{"fifo", "folder", "link.yaml", "target.yaml"}));

  // "-" is not standard output for import (it writes files): refused, and no
  // file named "-" appears.
  auto r = run_swarmform({"import", "-C", dir, "--out", "-"}, other);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(has(r.err, "--dry-run")) << r.err;
  EXPECT_FALSE(fs::exists(other + "/-"));
  EXPECT_EQ(read_text(dir + "/cluster.yaml"), cluster);
}

TEST_F(CliImportFiles, EntriesAppendedToTheFileThatDeclaresTheHostsKeepItsHostFill) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_});
  ASSERT_NO_FATAL_FAILURE(create_service(lab, name_, "--replicas 0 --constraint node.hostname==kvm4"));
  // One file, services.yaml, holds everything; -C . as a user in the folder.
  std::string dir = state_without_kvm4_capacity(lab);
  fs::rename(dir + "/cluster.yaml", dir + "/services.yaml");

  auto r = run_swarmform({"import", "-C", "."}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string text = read_text(dir + "/services.yaml");
  EXPECT_TRUE(has(text, "    capacity:\n      cpus: ")) << text;  // kvm4's, filled
  EXPECT_TRUE(has(text, "  " + name_ + ":\n")) << text;            // the entry, appended
  EXPECT_EQ(entries_of(dir), (std::vector<std::string>{"services.yaml"}));
  auto plan = run_swarmform({"plan", "-C", ".", "--target", name_, "--detailed-exitcode"}, dir);
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
}

TEST_F(CliImportFiles, ANewServicesFileTakesItsNeighboursModelineWithDashCDot) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_});
  ASSERT_NO_FATAL_FAILURE(create_service(lab, name_, "--replicas 0 --constraint node.hostname==kvm4"));
  std::string dir = write_lab_state(lab, "");
  dirs_.push_back(dir);
  const std::string modeline = "# yaml-language-server: $schema=./schemas/desired-state.schema.json";
  write_file(dir + "/cluster.yaml", modeline + "\n" + read_text(dir + "/cluster.yaml"));

  auto r = run_swarmform({"import", "-C", "."}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string text = read_text(dir + "/services.yaml");
  EXPECT_TRUE(text.starts_with(modeline + "\n")) << text;
}

TEST_F(CliImportFiles, AnOutFileThePlanDoesNotReadIsSaid) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_});
  ASSERT_NO_FATAL_FAILURE(create_service(lab, name_, "--replicas 0 --constraint node.hostname==kvm4"));
  std::string dir = write_lab_state(lab, "");
  dirs_.push_back(dir);
  std::string other = make_temp_dir("sf-import-elsewhere");
  dirs_.push_back(other);

  for (const std::string& out : {other + "/services.yaml", dir + "/services.txt", dir + "/.hidden.yaml"}) {
    auto r = run_swarmform({"import", "-C", dir, "--out", out});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(fs::exists(out)) << out;
    EXPECT_TRUE(has(r.err, "note: " + out + " is not read by")) << out << ": " << r.err;
    EXPECT_TRUE(has(r.out, "Next: move the new entries into a desired-state file of " + dir)) << r.out;
  }
  // Beside the other files it is read: no note.
  auto r = run_swarmform({"import", "-C", dir, "--out", dir + "/imported.yml"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(has(r.err, "is not read by")) << r.err;
}

TEST_F(CliImportFiles, UpdateRefusesATargetThatNamesNothingAndSaysWhatItCouldNotAdopt) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_});
  ASSERT_NO_FATAL_FAILURE(create_service(lab, name_, "--replicas 0 --constraint node.hostname==kvm4"));
  // Declared with a CPU limit that no longer runs (removed live).
  const std::string services =
      "services:\n  " + name_ + ":\n    host: kvm4\n    replicas: 0\n    limits: {cpus: 0.5}\n";
  std::string dir = write_lab_state(lab, services, kWideBudget);
  dirs_.push_back(dir);

  // A --target naming no declared service is an error, as for plan: not
  // "nothing to adopt" (a typo must not read as "all adopted").
  auto r = run_swarmform({"import", "-C", dir, "--update", "--target", name_ + "-typo"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(has(r.err, "--target " + name_ + "-typo names no declared service")) << r.err;
  EXPECT_FALSE(has(r.out, "Nothing to adopt")) << r.out;

  // A limit removed live cannot be written as a value: said, and not
  // "every declared value matches the swarm".
  r = run_swarmform({"import", "-C", dir, "--update", "--target", name_});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.err, "limits.cpus is 0.5 in the YAML and none live")) << r.err;
  EXPECT_FALSE(has(r.out, "every declared value matches the swarm")) << r.out;
  EXPECT_EQ(read_text(dir + "/services.yaml"), services);
}

TEST_F(CliImportFiles, UpdateOfAnAliasedValueSaysWhichValueToSetAndWritesNothing) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_, name_ + "-b"});
  ASSERT_NO_FATAL_FAILURE(
      create_service(lab, name_, "--replicas 0 --constraint node.hostname==kvm4 --limit-cpu 1 --limit-memory 64M"));
  ASSERT_NO_FATAL_FAILURE(create_service(lab, name_ + "-b",
                                         "--replicas 0 --constraint node.hostname==kvm4 --limit-cpu 0.5 "
                                         "--limit-memory 64M"));
  // The first service's limits are an anchor the second shares: adopting
  // its live CPU limit (1) would change both.
  const std::string services = "services:\n  " + name_ + ":\n    host: kvm4\n    replicas: 0\n" +
                               "    limits: &small {cpus: 0.5, memory: 64MiB}\n  " + name_ +
                               "-b:\n    host: kvm4\n    replicas: 0\n    limits: *small\n";
  std::string dir = write_lab_state(lab, services, kWideBudget);
  dirs_.push_back(dir);
  auto r = run_swarmform({"import", "-C", dir, "--update"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(has(r.err, "&small")) << r.err;
  // What to do: the value to set, and that nothing was written.
  EXPECT_TRUE(has(r.err, name_ + ": limits.cpus 0.5 -> 1")) << r.err;
  EXPECT_TRUE(has(r.err, "nothing was written")) << r.err;
  EXPECT_EQ(read_text(dir + "/services.yaml"), services);
}

TEST_F(CliImportFiles, AServicesFileImportCannotAppendToSaysToUseOut) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_});
  ASSERT_NO_FATAL_FAILURE(create_service(lab, name_, "--replicas 0 --constraint node.hostname==kvm4"));
  // services.yaml declares its services in a flow map: block entries cannot
  // be appended to it without rewriting it.
  const std::string services = "services: {" + name_ + "-other: {host: kvm4, replicas: 0}}\n";
  std::string dir = write_lab_state(lab, services, kWideBudget);
  dirs_.push_back(dir);
  auto r = run_swarmform({"import", "-C", dir});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(has(r.err, "flow map")) << r.err;
  EXPECT_TRUE(has(r.err, "--out FILE")) << r.err;
  EXPECT_EQ(read_text(dir + "/services.yaml"), services);

  r = run_swarmform({"import", "-C", dir, "--out", dir + "/imported.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read_text(dir + "/services.yaml"), services);
  EXPECT_TRUE(has(read_text(dir + "/imported.yaml"), "  " + name_ + ":\n"));
}

}  // namespace
}  // namespace swarmform::testing
