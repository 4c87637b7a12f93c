// `swarmform plan` against the real lab: services made with the docker CLI
// (with env, labels and constraints swarmform does not own), desired states
// that differ in each owned field, and exactly those changes in the plan.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/lab_state.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

/// The service's block of a JSON plan, or null.
nlohmann::json service_of(const nlohmann::json& plan, const std::string& name) {
  for (const auto& s : plan["services"]) {
    if (s["name"] == name) return s;
  }
  return nullptr;
}

/// field -> "before → after" of a service's changes.
std::map<std::string, std::string> changes_of(const nlohmann::json& service) {
  std::map<std::string, std::string> out;
  for (const auto& c : service["changes"]) {
    out[c["field"]] = c["before"].get<std::string>() + " → " + c["after"].get<std::string>();
  }
  return out;
}

class CliPlan : public ::testing::Test {
 protected:
  /// The declaration that equals what the test created with the docker CLI.
  std::string declare(const std::string& replicas = "2", const std::string& host = "kvm2",
                      const std::string& limits = "{cpus: 0.5, memory: 64MiB}",
                      const std::string& reservations = "{cpus: 0.1, memory: 32MiB}") {
    return "services:\n  " + name_ + ":\n    host: " + host + "\n    replicas: " + replicas +
           "\n    limits: " + limits + "\n    reservations: " + reservations + "\n";
  }

  struct Planned {
    CommandResult result;
    nlohmann::json plan;
  };
  Planned plan(const Lab& lab, const std::string& services) {
    // Other tests and the demo share the lab: a wide budget keeps their
    // services from making this plan blocked.
    std::string dir = write_lab_state(lab, services, "  cpu_overcommit: 100\n  memory_overcommit: 100\n");
    Planned p{run_swarmform({"plan", "-C", dir, "--format", "json", "--detailed-exitcode"}), nullptr};
    if (!p.result.out.empty()) p.plan = nlohmann::json::parse(p.result.out);
    std::filesystem::remove_all(dir);
    return p;
  }

  std::string name_ = unique_name("plan");
};

TEST_F(CliPlan, ListsExactlyTheOwnedFieldsThatDiffer) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_});
  ASSERT_NO_FATAL_FAILURE(create_service(
      lab, name_,
      "--replicas 2 --constraint node.hostname==kvm2 --constraint node.platform.os==linux"
      " --limit-cpu 0.5 --limit-memory 64M --reserve-cpu 0.1 --reserve-memory 32M"
      " --env APP_MODE=prod --label team=shop --update-parallelism 2"));
  ASSERT_TRUE(wait_running(lab, name_, 2));

  // Equal: nothing to do, exit 0, although env, labels, a second constraint
  // and the update config are not declared (they are not swarmform's).
  auto same = plan(lab, declare());
  EXPECT_EQ(same.result.exit_code, 0) << same.result.err;
  auto s = service_of(same.plan, name_);
  ASSERT_FALSE(s.is_null()) << same.result.out;
  EXPECT_EQ(s["action"], "no-op");
  EXPECT_TRUE(s["changes"].empty());
  EXPECT_EQ(same.plan["summary"]["update"], 0);

  struct Case {
    std::string yaml;
    std::map<std::string, std::string> want;
    bool restarts;
  };
  const Case cases[] = {
      {declare("3"), {{"replicas", "2 → 3"}}, false},
      {declare("2", "kvm4"), {{"host", "kvm2 → kvm4"}}, true},
      {declare("2", "kvm2", "{cpus: 1, memory: 64MiB}"), {{"limits.cpus", "0.5 → 1"}}, true},
      {declare("2", "kvm2", "{cpus: 0.5, memory: 128M}"), {{"limits.memory", "64MiB → 128MiB"}}, true},
      {declare("2", "kvm2", "{cpus: \"500m\", memory: 64MiB}", "{cpus: 0.2, memory: 32MiB}"),
       {{"reservations.cpus", "0.1 → 0.2"}}, true},
      {declare("2", "kvm2", "{cpus: 0.5, memory: 64MiB}", "{cpus: 0.1, memory: 16MiB}"),
       {{"reservations.memory", "32MiB → 16MiB"}}, true},
      {declare("1", "kvm4", "{cpus: 0.25, memory: 64MiB}"),
       {{"replicas", "2 → 1"}, {"host", "kvm2 → kvm4"}, {"limits.cpus", "0.5 → 0.25"}}, true},
  };
  for (const Case& c : cases) {
    auto p = plan(lab, c.yaml);
    EXPECT_EQ(p.result.exit_code, 2) << c.yaml << p.result.err;
    auto svc = service_of(p.plan, name_);
    ASSERT_FALSE(svc.is_null()) << p.result.out;
    EXPECT_EQ(svc["action"], "update") << c.yaml;
    EXPECT_EQ(changes_of(svc), c.want) << c.yaml;
    EXPECT_EQ(svc["restarts_tasks"].get<bool>(), c.restarts) << c.yaml;
    EXPECT_EQ(p.plan["summary"]["update"], 1) << c.yaml;
  }
}

TEST_F(CliPlan, TextSummaryAndSavedPlanRoundTrip) {
  SF_REQUIRE_LAB(lab);
  ServiceCleanup cleanup(lab, {name_});
  ASSERT_NO_FATAL_FAILURE(create_service(
      lab, name_,
      "--replicas 1 --constraint node.hostname==kvm4 --limit-cpu 0.5 --limit-memory 64M"));
  std::string dir = write_lab_state(lab, declare("1", "kvm4", "{cpus: 0.25, memory: 64MiB}", "{cpus: 0.1}"),
                                    "  cpu_overcommit: 100\n");
  auto text = run_swarmform({"plan", "-C", dir, "--out", dir + "/saved.plan"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("~ " + name_), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("limits.cpus: 0.5 → 0.25"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Plan: 0 to create, 1 to update, 0 to delete; 1 service restarts."), std::string::npos)
      << text.out;
  auto shown = run_swarmform({"show", dir + "/saved.plan", "--format", "json"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  auto saved = nlohmann::json::parse(shown.out);
  EXPECT_EQ(changes_of(service_of(saved, name_)),
            (std::map<std::string, std::string>{{"limits.cpus", "0.5 → 0.25"}, {"reservations.cpus", "none → 0.1"}}));
  auto md = run_swarmform({"show", dir + "/saved.plan", "--format", "markdown"});
  EXPECT_NE(md.out.find(name_), std::string::npos) << md.out;
  std::filesystem::remove_all(dir);
}

TEST_F(CliPlan, AMissingServiceWithoutAnImageIsAnError) {
  SF_REQUIRE_LAB(lab);
  auto p = plan(lab, declare());
  EXPECT_EQ(p.result.exit_code, 1) << p.result.out;
  EXPECT_NE(p.result.out.find("not found in the swarm"), std::string::npos) << p.result.out;
}

/// lstat's st_mode of `path` (0 when it cannot be read).
mode_t lstat_mode(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? st.st_mode : 0;
}

// --out writes a regular file atomically and privately, writes a device
// straight (as root, a rename would replace /dev/null with a plan), refuses
// a directory, and `-` puts the plan file alone on stdout.
TEST_F(CliPlan, OutWritesPlansPrivatelyAndDevicesStraight) {
  SF_REQUIRE_LAB(lab);
  std::string dir = write_lab_state(lab, "", "  cpu_overcommit: 100\n  memory_overcommit: 100\n");

  auto saved = run_swarmform({"plan", "-C", dir, "--out", dir + "/saved.plan"});
  EXPECT_EQ(saved.exit_code, 0) << saved.err;
  EXPECT_EQ(lstat_mode(dir + "/saved.plan") & 07777, 0600u) << "a plan describes the production swarm";
  EXPECT_NE(saved.out.find("Saved the plan to " + dir + "/saved.plan"), std::string::npos) << saved.out;

  if (::geteuid() == 0) {
    // First a node of /dev/null's device in the test's folder: if it were
    // replaced, the real /dev/null is not tried.
    const std::string node = dir + "/null";
    ASSERT_EQ(::mknod(node.c_str(), S_IFCHR | 0666, makedev(1, 3)), 0) << std::strerror(errno);
    auto to_node = run_swarmform({"plan", "-C", dir, "--out", node});
    EXPECT_EQ(to_node.exit_code, 0) << to_node.err;
    ASSERT_TRUE(S_ISCHR(lstat_mode(node))) << node << " was replaced by a regular file";
    EXPECT_EQ(to_node.out.find("Saved the plan"), std::string::npos) << "nothing to apply later: " << to_node.out;

    auto to_null = run_swarmform({"plan", "-C", dir, "--out", "/dev/null"});
    EXPECT_EQ(to_null.exit_code, 0) << to_null.err;
    EXPECT_TRUE(S_ISCHR(lstat_mode("/dev/null"))) << "/dev/null is no longer a character device";
  }

  auto to_dir = run_swarmform({"plan", "-C", dir, "--out", dir});
  EXPECT_EQ(to_dir.exit_code, 1) << to_dir.out;
  EXPECT_NE(to_dir.err.find("cannot write " + dir + ": it is a directory"), std::string::npos) << to_dir.err;
  EXPECT_TRUE(std::filesystem::is_directory(dir));

  auto to_stdout = run_swarmform({"plan", "-C", dir, "--out", "-"});
  EXPECT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
  auto file = nlohmann::json::parse(to_stdout.out, nullptr, false);  // the plan file alone
  EXPECT_FALSE(file.is_discarded()) << to_stdout.out;
  EXPECT_TRUE(file.contains("format_version")) << to_stdout.out;
  EXPECT_NE(to_stdout.err.find("swarmform plan"), std::string::npos) << "the view goes to stderr: " << to_stdout.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/-"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace swarmform::testing
