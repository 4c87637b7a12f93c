// issue 10 §4, §6 and §7 against the real lab: a frozen SSH peer is given up
// on once, not once per service; the declared docker socket is the only
// engine either transport reaches; -vv traces each step, never a body.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/lab_state.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

/// The parent pid of `pid` from /proc/PID/stat, or -1.
pid_t parent_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(stat.substr(close + 1));
  std::string state;
  pid_t ppid = -1;
  rest >> state >> ppid;
  return ppid;
}

/// SIGSTOPs an sshd listener and every process under it (the per-connection
/// sshd children serving open sessions), as a peer that froze would be;
/// SIGCONTs all of them when it goes out of scope, also when a test fails.
class FrozenSshd {
 public:
  explicit FrozenSshd(pid_t listener) { stop(listener); }
  ~FrozenSshd() {
    for (pid_t pid : stopped_) ::kill(pid, SIGCONT);
  }
  FrozenSshd(const FrozenSshd&) = delete;
  FrozenSshd& operator=(const FrozenSshd&) = delete;

 private:
  void stop(pid_t listener) {
    // The listener first, so it forks no new child; then its descendants,
    // until a pass finds none left running.
    if (::kill(listener, SIGSTOP) == 0) stopped_.insert(listener);
    for (bool found = true; found;) {
      found = false;
      std::error_code ec;
      for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        pid_t pid = std::stoi(name);
        if (stopped_.contains(pid) || !stopped_.contains(parent_of(pid))) continue;
        if (::kill(pid, SIGSTOP) == 0) {
          stopped_.insert(pid);
          found = true;
        }
      }
    }
  }
  std::set<pid_t> stopped_;
};

/// A desired state whose manager is reached through kvm2's sshd (forwarding
/// to kvm4's socket), so freezing that sshd freezes only this test's link.
std::string state_through_kvm2_sshd(const Lab& lab, const std::vector<std::string>& services) {
  std::string dir = make_temp_dir("sf-deadlink");
  std::string yaml = "version: 1\ncluster:\n  manager: kvm4\nhosts:\n  kvm4:\n    ssh: " + lab.get("SSH_USER") +
                     "@" + lab.get("SSH_HOST") + ":" + lab.get("KVM2_SSH_PORT") + "\n    identity: " +
                     lab.get("SSH_IDENTITY") + "\n    docker_socket: " + lab.get("KVM4_SOCKET") +
                     "\n    capacity: {cpus: 2, memory: 4GiB}\nknown_hosts: " + lab.get("SSH_KNOWN_HOSTS") +
                     "\npolicy:\n  unmanaged: ignore\n  cpu_overcommit: 100\n  memory_overcommit: 100\n"
                     "services:\n";
  for (const auto& n : services) yaml += "  " + n + ":\n    host: kvm4\n    limits: {cpus: 0.25}\n";
  write_file(dir + "/swarmform.yaml", yaml);
  return dir;
}

/// Removes the lock the apply printed ("Applying (lock ID)"), which a frozen
/// peer leaves held, then the test's directory.
struct LockCleanup {
  const Lab& lab;
  std::string out_file;
  ~LockCleanup() {
    std::smatch m;
    const std::string out = run_command("cat " + out_file + " 2>/dev/null");
    if (std::regex_search(out, m, std::regex("Applying \\(lock ([A-Za-z0-9_.-]+)\\)"))) {
      run_command("cd " SWARMFORM_SOURCE_DIR "; " SWARMFORM_BINARY " unlock -C " + dir + " " + m[1].str() +
                  " >/dev/null 2>&1");
    }
    std::filesystem::remove_all(dir);
  }
  std::string dir;
};

int count_in_summary(const std::string& out, const std::string& what) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("([0-9]+) " + what + "[,.]"))) return -1;
  return std::stoi(m[1]);
}

TEST(CliApplyDeadLink, ChangesQueuedBehindAFrozenPeerAreNotStarted) {
  SF_REQUIRE_LAB(lab);
  std::vector<std::string> names;
  for (const char* tag : {"dl-a", "dl-b", "dl-c", "dl-d"}) names.push_back(unique_name(tag));
  ServiceCleanup cleanup(lab, names);
  for (const auto& n : names) {
    ASSERT_NO_FATAL_FAILURE(create_service(lab, n, "--replicas 1 --constraint node.hostname==kvm4 --limit-cpu 0.5"));
  }
  const std::string dir = state_through_kvm2_sshd(lab, names);
  const std::string pid_file = lab.get("LAB_DIR") + "/ssh/sshd-kvm2.pid";
  const pid_t sshd = std::stoi(run_command("cat " + pid_file));

  // Apply one change at a time; freeze the peer once the first was posted.
  const std::string out_file = dir + "/out";
  const std::string rc_file = dir + "/rc";
  LockCleanup unlock{lab, out_file, dir};
  write_file(dir + "/run.sh", "(cd " SWARMFORM_SOURCE_DIR "; NO_COLOR=1 " SWARMFORM_BINARY " apply -C " + dir +
                                  " --auto-approve --parallelism 1 --connect-timeout 2 > " + out_file +
                                  " 2>&1; echo $? > " + rc_file + ") >/dev/null 2>&1 &\n");
  run_command("bash " + dir + "/run.sh");
  bool posted = false;
  for (int i = 0; i < 1200 && !posted; ++i) {
    posted = run_command("cat " + out_file + " 2>/dev/null").find(": updated") != std::string::npos;
    if (!posted) ::usleep(50'000);
  }
  ASSERT_TRUE(posted) << run_command("cat " + out_file);
  {
    FrozenSshd frozen(sshd);
    // Bounded only so that a hang fails the test instead of the whole run.
    for (int i = 0; i < 6000 && !std::filesystem::exists(rc_file); ++i) ::usleep(50'000);
  }
  for (int i = 0; i < 100 && run_command("cat " + rc_file + " 2>/dev/null").empty(); ++i) ::usleep(50'000);
  const std::string out = run_command("cat " + out_file);
  const std::string rc = run_command("cat " + rc_file + " 2>/dev/null");
  ASSERT_FALSE(rc.empty()) << "apply did not end\n" << out;
  EXPECT_EQ(std::stoi(rc), 1) << out;

  // The change in flight failed; every change after it was not started, with
  // the cause, instead of each waiting its own timeout.
  EXPECT_EQ(count_in_summary(out, "failed"), 1) << out;
  const int not_started = count_in_summary(out, "not started");
  const int applied = count_in_summary(out, "applied");
  EXPECT_GE(not_started, 2) << out;
  EXPECT_EQ(applied + 1 + not_started, 4) << out;
  EXPECT_NE(out.find(": not started: "), std::string::npos) << out;
  EXPECT_NE(out.find("timed out after 2000 ms"), std::string::npos) << out;
  // The lock could not be released over the frozen link: the user is told how.
  EXPECT_NE(out.find("swarmform unlock"), std::string::npos) << out;
}

// issue 10 §6, as the user sees it: a typo in docker_socket with transport
// auto fails naming the socket; it never shows another engine's swarm.
TEST(CliTransport, AMissingDockerSocketNeverReachesAnotherEngine) {
  SF_REQUIRE_LAB(lab);
  std::string dir = write_lab_state(lab, "");
  std::string yaml = run_command("cat " + dir + "/cluster.yaml");
  const std::string socket = lab.get("KVM4_SOCKET");
  yaml.replace(yaml.find(socket), socket.size(), "/var/run/dokcer.sock");
  write_file(dir + "/cluster.yaml", yaml);
  auto r = run_swarmform({"state", "-C", dir});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("/var/run/dokcer.sock"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("kvm4"), std::string::npos) << r.out;
  std::filesystem::remove_all(dir);
}

TEST(CliTransport, TraceLogsEachSshStepAndRequestLineButNoBody) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("trace");
  ServiceCleanup cleanup(lab, {name});
  ASSERT_NO_FATAL_FAILURE(create_service(
      lab, name, "--env SF_TRACE_TOKEN=hunter2-secret --constraint node.hostname==kvm4"));
  std::string dir = write_lab_state(lab, "");
  auto r = run_swarmform({"state", "-C", dir, "-vv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* step : {": TCP connect", ": SSH handshake", ": checking the host key against",
                           ": authenticating with", ": authenticated", "channel to " /* streamlocal */,
                           "GET /v1.41/services", "-> HTTP 200"}) {
    EXPECT_NE(r.err.find(step), std::string::npos) << step << "\n" << r.err;
  }
  EXPECT_EQ(r.err.find("hunter2-secret"), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace swarmform::testing
