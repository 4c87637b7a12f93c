// A running `swarmform agent` stops cleanly on SIGTERM and on SIGHUP, and a
// failing cycle backs off.  No lab: the manager's port refuses, so every
// cycle fails.

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "reconciler/util/file.h"
#include "support/metrics_text.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

class CliAgentSignal : public ::testing::Test {
 protected:
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  /// Starts an agent on the unreachable state in a new temp dir (`tag`),
  /// waits until its first cycle failed and it backs off, then runs `then`
  /// ($pid is the agent's) after `prelude`; returns what the script printed
  /// last (the agent's exit code and a newline).  Its output is in dir_/out.
  std::string agent_until_backoff(const std::string& tag, const std::string& then,
                                  const std::string& prelude = "") {
    dir_ = make_temp_dir(tag);
    write_file(dir_ + "/swarmform.yaml", kUnreachableState);
    std::string script =
        prelude + "cd " + dir_ + "; NO_COLOR=1 " SWARMFORM_BINARY " agent -C " + dir_ +
        " --interval 10m --connect-timeout 2 > out 2>&1 & pid=$!; "
        "for i in $(seq 200); do grep -q 'next try in 10s' out && break; sleep 0.05; done; " +
        then + "; wait $pid; echo $?";
    write_file(dir_ + "/run.sh", script + "\n");
    return run_command("timeout 60 sh " + dir_ + "/run.sh");
  }

  std::string dir_;
};

TEST_F(CliAgentSignal, StopsCleanlyOnSigtermAndBacksOffOnErrors) {
  // No lab needed: the manager refuses, so every cycle fails and backs off.
  std::string rc = agent_until_backoff("sf-agent-down", "kill -TERM $pid");
  auto out = read_file(dir_ + "/out");
  ASSERT_TRUE(out);
  EXPECT_EQ(rc, "0\n") << *out;
  EXPECT_NE(out->find("Drift check failed"), std::string::npos) << *out;
  EXPECT_NE(out->find("cycle failed (1 in a row); next try in 10s"), std::string::npos) << *out;
  EXPECT_NE(out->find("agent stopped"), std::string::npos) << *out;
}

TEST_F(CliAgentSignal, StopsCleanlyOnSighupLikeSigterm) {
  // The terminal an agent was started from is closed: it stops as on SIGTERM.
  auto old =
      std::signal(SIGHUP, SIG_DFL);  // an ignored SIGHUP would be inherited and hide the fault
  std::string rc = agent_until_backoff("sf-agent-hup", "kill -HUP $pid", "trap - HUP; ");
  std::signal(SIGHUP, old);
  auto out = read_file(dir_ + "/out");
  ASSERT_TRUE(out);
  EXPECT_EQ(rc, "0\n") << *out;
  EXPECT_NE(out->find("hangup"), std::string::npos) << *out;
  EXPECT_NE(out->find("agent stopped"), std::string::npos) << *out;
}

}  // namespace
}  // namespace swarmform::testing
