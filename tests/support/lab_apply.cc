#include "support/lab_apply.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/process.h"

namespace swarmform::testing {
namespace {

std::vector<std::string> service_names(const std::string& tag, int count) {
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i)
    names.push_back(unique_name(tag + "-" + std::string(1, char('a' + i))));
  return names;
}

}  // namespace

LabServices::LabServices(const Lab& lab, const std::string& tag, int lower, int raise)
    : names(service_names(tag, lower + raise)), cleanup(lab, names) {
  std::string yaml = "services:\n";
  for (int i = 0; i < lower + raise; ++i) {
    const std::string& n = names[static_cast<size_t>(i)];
    docker(lab, "service create -d --no-resolve-image --name " + n +
                    " --replicas 1 --constraint node.hostname==kvm4 --limit-cpu 0.5 " +
                    lab.get("LAB_IMAGE"));
    yaml +=
        "  " + n + ":\n    host: kvm4\n    limits: {cpus: " + (i < lower ? "0.25" : "0.75") + "}\n";
  }
  dir = write_lab_state(lab, yaml, kWideBudget);
}

LabServices::~LabServices() {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

int run_script(const std::string& dir, const std::string& script) {
  write_file(dir + "/run.sh", script + "\n");
  std::string rc = run_command("bash " + dir + "/run.sh");
  return rc.empty() ? -1 : std::stoi(rc);
}

std::string apply_command(const std::string& env, const std::string& args) {
  return "cd " SWARMFORM_SOURCE_DIR "; " + env +
         "NO_COLOR=1 " SWARMFORM_BINARY " apply --auto-approve --parallelism 1 " + args + "-C ";
}

int apply_until(const std::string& dir, const std::string& marker, const std::string& then,
                const ApplyUntil& how) {
  return run_script(dir, apply_command(how.env, how.args) + dir + " > " + dir +
                             "/out 2>&1 & pid=$!; " + "for i in $(seq " +
                             std::to_string(how.polls) + "); do grep -q '" + marker + "' " + dir +
                             "/out && break; sleep 0.05; done; " + then + "; wait $pid; echo $?");
}

void expect_next_apply_converges(const std::string& dir) {
  auto again = run_swarmform({"apply", "-C", dir, "--auto-approve"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  auto after = run_swarmform({"plan", "-C", dir, "--detailed-exitcode"});
  EXPECT_EQ(after.exit_code, 0) << after.out << after.err;
}

}  // namespace swarmform::testing
