// The desired state from git, end to end on the lab: --ref reads a commit
// that differs from the working tree, a dirty tree is planned with a
// warning and refused by apply (unless --allow-dirty), the applied commit
// lands in the swarmform.commit label and in `state`, plan --base shows the
// semantic diff of a two-commit repository, and --repo reads a file://
// clone and sees a new commit after a fetch.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/git_repo.h"
#include "support/lab_state.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

const char* kWideBudget = "  cpu_overcommit: 100\n  memory_overcommit: 100\n";

std::string declare(const std::string& name, const std::string& cpus, const std::string& host = "kvm2") {
  return "services:\n  " + name + ":\n    host: " + host + "\n    replicas: 1\n    limits: {cpus: " + cpus +
         ", memory: 64MiB}\n";
}

nlohmann::json service_of(const nlohmann::json& plan, const std::string& name) {
  for (const auto& s : plan["services"]) {
    if (s["name"] == name) return s;
  }
  return nullptr;
}

std::string label(const Lab& lab, const std::string& service, const std::string& key) {
  std::string out =
      docker(lab, "service inspect " + service + " --format '{{index .Spec.Labels \"" + key + "\"}}'");
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

class CliGit : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const auto& d : dirs_) std::filesystem::remove_all(d);
  }
  /// A lab service at 0.2 CPUs on kvm2, and a repository whose first commit
  /// declares it so and whose second commit raises it to 0.3.
  void make_repo(const Lab& lab) {
    ASSERT_NO_FATAL_FAILURE(create_service(
        lab, name_,
        "--replicas 1 --constraint node.hostname==kvm2 --limit-cpu 0.2 --limit-memory 64M"));
    ASSERT_TRUE(wait_running(lab, name_, 1));
    dir_ = write_lab_state(lab, declare(name_, "0.2"), kWideBudget);
    dirs_.push_back(dir_);
    git_init(dir_);
    first_ = git_commit_all(dir_, "declare " + name_);
    write_file(dir_ + "/services.yaml", declare(name_, "0.3"));
    second_ = git_commit_all(dir_, "raise " + name_ + " to 0.3 CPUs");
  }

  std::string name_ = unique_name("git");
  std::string dir_, first_, second_;
  std::vector<std::string> dirs_;
};

TEST_F(CliGit, RefReadsTheCommitNotTheWorkingTree) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_});
  make_repo(lab);
  // HEAD~1 declares what runs: nothing to do, and the plan names the commit.
  auto old = run_swarmform({"plan", "-C", dir_, "--ref", "HEAD~1", "--format", "json", "--detailed-exitcode"});
  EXPECT_EQ(old.exit_code, 0) << old.out << old.err;
  auto p = nlohmann::json::parse(old.out);
  EXPECT_EQ(p["commit"], first_);
  EXPECT_EQ(p["ref"], "HEAD~1");
  EXPECT_EQ(service_of(p, name_)["action"], "no-op");
  // HEAD raises it.
  auto head = run_swarmform({"plan", "-C", dir_, "--format", "json", "--detailed-exitcode"});
  EXPECT_EQ(head.exit_code, 2) << head.out << head.err;
  EXPECT_EQ(nlohmann::json::parse(head.out)["commit"], second_);
  // A working tree edited back to 0.2 does not change what --ref main reads.
  write_file(dir_ + "/services.yaml", declare(name_, "0.2"));
  auto main = run_swarmform({"plan", "-C", dir_, "--ref", "main", "--format", "json", "--detailed-exitcode"});
  EXPECT_EQ(main.exit_code, 2) << main.out << main.err;
  auto changes = service_of(nlohmann::json::parse(main.out), name_)["changes"];
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0]["after"], "0.3");
  // An unknown ref says so.
  auto typo = run_swarmform({"plan", "-C", dir_, "--ref", "mian"});
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_NE(typo.err.find("mian"), std::string::npos) << typo.err;
}

TEST_F(CliGit, DirtyTreeIsPlannedWithAWarningAndRefusedByApply) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_});
  make_repo(lab);
  write_file(dir_ + "/services.yaml", declare(name_, "0.25"));
  auto planned = run_swarmform({"plan", "-C", dir_});
  EXPECT_EQ(planned.exit_code, 0) << planned.out << planned.err;
  EXPECT_NE(planned.out.find("uncommitted changes in " + dir_ + "/services.yaml"), std::string::npos)
      << planned.out;
  std::string version = docker(lab, "service inspect " + name_ + " --format '{{.Version.Index}}'");
  auto refused = run_swarmform({"apply", "-C", dir_, "--auto-approve"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("uncommitted changes"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--allow-dirty"), std::string::npos) << refused.err;
  EXPECT_EQ(docker(lab, "service inspect " + name_ + " --format '{{.Version.Index}}'"), version);
  // A saved plan of the dirty tree is refused too.
  std::string saved = dir_ + "/../" + name_ + ".plan.json";
  dirs_.push_back(saved);
  ASSERT_EQ(run_swarmform({"plan", "-C", dir_, "--out", saved}).exit_code, 0);
  EXPECT_EQ(run_swarmform({"apply", "-C", dir_, saved}).exit_code, 1);
  // --allow-dirty applies, and the label says the commit was dirty.
  auto forced = run_swarmform({"apply", "-C", dir_, "--auto-approve", "--allow-dirty"});
  EXPECT_EQ(forced.exit_code, 0) << forced.out << forced.err;
  EXPECT_EQ(label(lab, name_, "swarmform.commit"), second_ + "-dirty");
}

TEST_F(CliGit, AppliedCommitIsLabelledAndShownByState) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_});
  make_repo(lab);
  auto applied = run_swarmform({"apply", "-C", dir_, "--ref", "main", "--auto-approve"});
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  EXPECT_EQ(label(lab, name_, "swarmform.commit"), second_);
  auto state = run_swarmform({"state", "-C", dir_, "--format", "json"});
  ASSERT_EQ(state.exit_code, 0) << state.err;
  EXPECT_NE(state.out.find(second_), std::string::npos) << state.out;

  // Applied next from a folder outside git: the old commit label would be
  // untrue, so it goes.
  std::string loose = write_lab_state(lab, declare(name_, "0.25"), kWideBudget);
  dirs_.push_back(loose);
  auto from_loose = run_swarmform({"apply", "-C", loose, "--auto-approve"});
  ASSERT_EQ(from_loose.exit_code, 0) << from_loose.out << from_loose.err;
  EXPECT_EQ(label(lab, name_, "swarmform.commit"), "");
  EXPECT_EQ(label(lab, name_, "swarmform.managed"), "true");
}

TEST_F(CliGit, BaseBeforeTheFolderExistedListsEverythingAsAdded) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_});
  make_repo(lab);
  // A repository whose first commit has no desired-state folder yet.
  std::string repo = make_temp_dir("sf-git-onboard");
  dirs_.push_back(repo);
  git_init(repo);
  write_file(repo + "/README.md", "ops\n");
  git_commit_all(repo, "start");
  run_command("cp -r " + dir_ + "/cluster.yaml " + dir_ + "/services.yaml " + repo + "/ 2>&1; mkdir -p " + repo +
              "/swarm && mv " + repo + "/cluster.yaml " + repo + "/services.yaml " + repo + "/swarm/");
  git_commit_all(repo, "swarmform: the desired state");
  auto r = run_swarmform({"plan", "-C", repo + "/swarm", "--base", "HEAD~1", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto p = nlohmann::json::parse(r.out);
  bool service_added = false, host_added = false;
  for (const auto& c : p["desired_changes"]) {
    if (c["subject"] == "service " + name_ && c["kind"] == "added") service_added = true;
    if (c["subject"] == "host kvm4" && c["kind"] == "added") host_added = true;
  }
  EXPECT_TRUE(service_added) << p["desired_changes"].dump(2);
  EXPECT_TRUE(host_added) << p["desired_changes"].dump(2);
}

TEST_F(CliGit, BaseShowsWhatTheBranchChangesInGit) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_});
  make_repo(lab);
  auto json = run_swarmform({"plan", "-C", dir_, "--base", "HEAD~1", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.out << json.err;
  auto p = nlohmann::json::parse(json.out);
  EXPECT_EQ(p["base"], "HEAD~1");
  EXPECT_EQ(p["base_commit"], first_);
  ASSERT_EQ(p["desired_changes"].size(), 1u) << p["desired_changes"].dump(2);
  EXPECT_EQ(p["desired_changes"][0]["subject"], "service " + name_);
  EXPECT_EQ(p["desired_changes"][0]["changes"][0]["field"], "limits.cpus");
  EXPECT_EQ(p["desired_changes"][0]["changes"][0]["before"], "0.2");
  EXPECT_EQ(p["desired_changes"][0]["changes"][0]["after"], "0.3");
  auto text = run_swarmform({"plan", "-C", dir_, "--base", "HEAD~1"});
  EXPECT_NE(text.out.find("Changes in git"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("limits.cpus 0.2 → 0.3"), std::string::npos) << text.out;
  auto md = run_swarmform({"plan", "-C", dir_, "--base", "HEAD~1", "--format", "markdown"});
  EXPECT_NE(md.out.find("Changes in git"), std::string::npos) << md.out;
  EXPECT_EQ(run_swarmform({"plan", "-C", dir_, "--base", "no-such-base"}).exit_code, 1);
}

TEST_F(CliGit, RepoReadsAFileCloneAndFetchesNewCommits) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_});
  make_repo(lab);
  std::string cache = make_temp_dir("sf-git-cache");
  dirs_.push_back(cache);
  std::vector<std::string> args = {"plan", "--repo", "file://" + dir_, "--ref", "main", "--cache-dir", cache,
                                   "--format", "json"};
  auto first = run_swarmform(args);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(nlohmann::json::parse(first.out)["commit"], second_);
  write_file(dir_ + "/services.yaml", declare(name_, "0.2"));
  std::string third = git_commit_all(dir_, "back to 0.2");
  auto fetched = run_swarmform(args);
  ASSERT_EQ(fetched.exit_code, 0) << fetched.out << fetched.err;
  auto p = nlohmann::json::parse(fetched.out);
  EXPECT_EQ(p["commit"], third);
  EXPECT_EQ(service_of(p, name_)["action"], "no-op");

  // The hosts' keys pinned in a known_hosts committed beside the YAML, named
  // by a relative path: read from the commit, as the work tree would have it.
  std::string cluster = run_command("sed 's|^known_hosts: .*|known_hosts: pinned_hosts|' " + dir_ + "/cluster.yaml");
  write_file(dir_ + "/cluster.yaml", cluster);
  write_file(dir_ + "/pinned_hosts", run_command("cat " + lab.get("SSH_KNOWN_HOSTS")));
  std::string fourth = git_commit_all(dir_, "pin the hosts' keys in the repository");
  auto pinned = run_swarmform(args);
  ASSERT_EQ(pinned.exit_code, 0) << pinned.out << pinned.err;
  EXPECT_EQ(nlohmann::json::parse(pinned.out)["commit"], fourth);
  // Without the file in the commit, the error says so.
  git(dir_, "rm -q pinned_hosts");
  git_commit_all(dir_, "drop the pinned keys");
  auto unpinned = run_swarmform(args);
  EXPECT_EQ(unpinned.exit_code, 1);
  EXPECT_NE(unpinned.err.find("known_hosts: pinned_hosts does not exist at"), std::string::npos) << unpinned.err;
}

}  // namespace
}  // namespace swarmform::testing
