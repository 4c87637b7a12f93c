// What `swarmform usage` reads, against the real lab (tests/lab/up.sh): the
// host's own counters through an SSH exec channel (SshSession::run_command),
// and every task container's stats from its engine (read_task_containers),
// checked against the kernel's own cgroup counters of the same containers.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "reconciler/engine/docker_client.h"
#include "reconciler/engine/usage_reader.h"
#include "reconciler/transport/ssh_session.h"
#include "reconciler/usage/proc_stat.h"
#include "support/lab.h"
#include "support/lab_state.h"
#include "support/process.h"
#include "support/transport_test_util.h"

namespace swarmform {
namespace {

using swarmform::testing::Lab;
using swarmform::testing::read_text;
using swarmform::testing::TempDir;
using transport::CommandOutput;
using transport::SshOptions;
using transport::SshSession;
using namespace std::chrono_literals;

SshOptions kvm4_ssh(const Lab& lab) { return ::swarmform::testing::kvm4_ssh_options(lab); }

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

TEST(UsageSampling, HostCountersCommandRunsOverAnExecChannel) {
  SF_REQUIRE_LAB(lab);
  auto session = SshSession::connect(kvm4_ssh(lab));
  ASSERT_TRUE(session) << session.error().message;
  auto run = session->run_command(std::string(usage::kHostCountersCommand));
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->exit_status, 0);
  EXPECT_EQ(run->err, "");
  // /proc/loadavg first ("0.52 0.61 0.70 2/345 6789"), then /proc/stat.
  EXPECT_TRUE(std::regex_search(run->out, std::regex(R"(^\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+\n)")))
      << run->out.substr(0, 200);
  EXPECT_NE(run->out.find("\ncpu "), std::string::npos) << run->out.substr(0, 400);
  EXPECT_NE(run->out.find("\ncpu0 "), std::string::npos) << run->out.substr(0, 400);

  // The session is still good for the engine (the channel was closed).
  auto stream = session->open_engine_stream();
  ASSERT_TRUE(stream) << stream.error().message;
  auto again = session->run_command("cat /proc/loadavg");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->exit_status, 0);
  EXPECT_TRUE(std::regex_search(again->out, std::regex(R"(^\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+\n$)")))
      << again->out;
}

TEST(UsageSampling, ExitStatusAndStderrComeBack) {
  SF_REQUIRE_LAB(lab);
  auto session = SshSession::connect(kvm4_ssh(lab));
  ASSERT_TRUE(session) << session.error().message;
  auto run = session->run_command("echo to-stdout; echo to-stderr >&2; exit 3");
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->out, "to-stdout\n");
  EXPECT_EQ(run->err, "to-stderr\n");
  EXPECT_EQ(run->exit_status, 3);

  // No input: the command reads EOF at once instead of waiting for it.
  auto cat = session->run_command("cat; echo read-eof");
  ASSERT_TRUE(cat) << cat.error().message;
  EXPECT_EQ(cat->out, "read-eof\n");
  EXPECT_EQ(cat->exit_status, 0);
}

TEST(UsageSampling, OutputBeyondTheCapIsCutAndDrained) {
  SF_REQUIRE_LAB(lab);
  auto session = SshSession::connect(kvm4_ssh(lab));
  ASSERT_TRUE(session) << session.error().message;
  // 4 MB on each stream, twice libssh2's channel window: the command ends
  // only if both streams are read past the cap.
  auto run = session->run_command(
      "head -c 4000000 /dev/zero | tr '\\0' o; head -c 4000000 /dev/zero | tr '\\0' e >&2; "
      "echo end >&2; exit 4",
      1000);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->out, std::string(1000, 'o'));
  EXPECT_EQ(run->err, std::string(1000, 'e'));
  EXPECT_EQ(run->exit_status, 4);
}

TEST(UsageSampling, ACommandOutlivingTheTimeLimitTimesOut) {
  SF_REQUIRE_LAB(lab);
  SshOptions o = kvm4_ssh(lab);
  auto session = SshSession::connect(o);
  ASSERT_TRUE(session) << session.error().message;
  session->set_timeout(1500ms);
  auto run = session->run_command("sleep 30");
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().kind, ErrorKind::timeout);
  EXPECT_EQ(run.error().message, "kvm4 (root@127.0.0.1:" + lab.get("KVM4_SSH_PORT") +
                                     "): channel failed: timed out after 1500 ms waiting for "
                                     "the output of `sleep 30`");
}

/// A second sshd for kvm4's engine, on a free port, with kvm4's host key and
/// the lab's configuration plus `extra` lines (later lines of sshd_config do
/// not override earlier ones: the lab's MaxSessions line is replaced); its
/// authorized_keys holds `authorized_keys`.  Stopped (SIGTERM) when it goes
/// out of scope.
class ExtraSshd {
 public:
  ExtraSshd(const Lab& lab, const std::string& max_sessions, const std::string& authorized_keys)
      : port_(transport::closed_loopback_port()) {
    std::string conf = read_text(lab.get("LAB_DIR") + "/ssh/sshd-kvm4.conf");
    conf = std::regex_replace(conf, std::regex("\nPort [0-9]+\n"), "\nPort " + std::to_string(port_) + "\n");
    conf = std::regex_replace(conf, std::regex("\nPidFile [^\n]*\n"), "\nPidFile " + dir_ / "sshd.pid" + "\n");
    conf = std::regex_replace(conf, std::regex("\nAuthorizedKeysFile [^\n]*\n"),
                              "\nAuthorizedKeysFile " + dir_ / "authorized_keys" + "\n");
    conf = std::regex_replace(conf, std::regex("\nMaxSessions [0-9]+\n"), "\nMaxSessions " + max_sessions + "\n");
    testing::write_file(dir_ / "sshd.conf", conf);
    testing::write_file(dir_ / "authorized_keys", authorized_keys);
    int status = -1;
    std::string out = testing::run_command("/usr/sbin/sshd -f " + dir_ / "sshd.conf" + " -E " +
                                               dir_ / "sshd.log" + " 2>&1",
                                           &status);
    EXPECT_EQ(status, 0) << out;
    for (int i = 0; i < 100 && pid() <= 0; ++i) std::this_thread::sleep_for(50ms);
  }
  ~ExtraSshd() {
    const pid_t p = pid();
    if (p <= 0) return;
    ::kill(p, SIGTERM);
    // Its folder is removed once sshd removed its pid file, the last thing
    // it does there (a zombie may outlive that: PID 1 may not reap it soon).
    for (int i = 0; i < 100 && pid() > 0; ++i) std::this_thread::sleep_for(20ms);
  }
  ExtraSshd(const ExtraSshd&) = delete;
  ExtraSshd& operator=(const ExtraSshd&) = delete;

  [[nodiscard]] uint16_t port() const { return port_; }
  [[nodiscard]] pid_t pid() const {
    std::string text = trimmed(read_text(dir_ / "sshd.pid"));
    return text.empty() ? -1 : static_cast<pid_t>(std::atoi(text.c_str()));
  }
  /// SSH options for this sshd: the lab's key, a fresh known_hosts that
  /// learns the host key on first use.
  [[nodiscard]] SshOptions options(const Lab& lab) const {
    SshOptions o = kvm4_ssh(lab);
    o.port = port_;
    o.known_hosts = dir_ / "known_hosts";
    o.accept_new_host_keys = true;
    return o;
  }
  [[nodiscard]] std::string log() const { return read_text(dir_ / "sshd.log"); }

 private:
  TempDir dir_{"sf-usage-sshd"};
  uint16_t port_;
};

std::string lab_public_key(const Lab& lab) { return read_text(lab.get("SSH_IDENTITY") + ".pub"); }

TEST(UsageSampling, SshdRefusingCommandsIsRefusedSayingWhy) {
  SF_REQUIRE_LAB(lab);
  // MaxSessions 0: no shell, command or subsystem session, forwarding still
  // allowed -- a server that serves the engine but runs nothing.
  ExtraSshd sshd(lab, "0", lab_public_key(lab));
  ASSERT_GT(sshd.pid(), 0) << sshd.log();
  auto session = SshSession::connect(sshd.options(lab));
  ASSERT_TRUE(session) << session.error().message << "\n" << sshd.log();
  auto run = session->run_command(std::string(usage::kHostCountersCommand));
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().kind, ErrorKind::refused);
  const std::string expected_start = "kvm4 (root@127.0.0.1:" + std::to_string(sshd.port()) +
                                     "): running `cat /proc/loadavg /proc/stat` refused by sshd: ";
  EXPECT_TRUE(run.error().message.starts_with(expected_start)) << run.error().message;
  EXPECT_NE(run.error().message.find("it did not open a session channel"), std::string::npos)
      << run.error().message;
  EXPECT_TRUE(run.error().message.ends_with(
      "; the server runs no commands for this user or key (sshd's MaxSessions 0, a key restricted "
      "in authorized_keys, a gateway that only forwards)"))
      << run.error().message;
  // The refusal broke nothing: the engine is still reachable on the session.
  auto stream = session->open_engine_stream();
  ASSERT_TRUE(stream) << stream.error().message;
}

TEST(UsageSampling, AForcedCommandRunsInsteadAndItsOutputComesBack) {
  SF_REQUIRE_LAB(lab);
  // A deploy key restricted as examples/ci/README.md recommends, forced to
  // one command: sshd runs that, not ours; the caller sees what it printed.
  ExtraSshd sshd(lab, "10", "restrict,command=\"echo forced-command\" " + lab_public_key(lab));
  ASSERT_GT(sshd.pid(), 0) << sshd.log();
  auto session = SshSession::connect(sshd.options(lab));
  ASSERT_TRUE(session) << session.error().message << "\n" << sshd.log();
  auto run = session->run_command(std::string(usage::kHostCountersCommand));
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->out, "forced-command\n");
  EXPECT_EQ(run->exit_status, 0);
}

/// cpuacct.usage of a container of kvm4's engine, as the kernel counts it
/// (the lab's dockerd runs its containers under --cgroup-parent /lab-kvm4);
/// nullopt when there is no such cgroup.
std::optional<uint64_t> kernel_cpu_ns(const std::string& container_id) {
  std::string text = read_text("/sys/fs/cgroup/cpuacct/lab-kvm4/" + container_id + "/cpuacct.usage");
  if (text.empty()) return std::nullopt;
  return std::stoull(text);
}

/// The kernel's throttling counters of a container (cpu.stat, cgroup v1).
struct CpuStat {
  uint64_t periods = 0;
  uint64_t throttled = 0;
  uint64_t throttled_ns = 0;
};

CpuStat kernel_cpu_stat(const std::string& container_id) {
  std::istringstream in(read_text("/sys/fs/cgroup/cpu/lab-kvm4/" + container_id + "/cpu.stat"));
  CpuStat s;
  std::string key;
  uint64_t value = 0;
  while (in >> key >> value) {
    if (key == "nr_periods") s.periods = value;
    if (key == "nr_throttled") s.throttled = value;
    if (key == "throttled_time") s.throttled_ns = value;
  }
  return s;
}

/// The kernel's counter of one container, read every millisecond (with the
/// wall clock the engine stamps its "read" time with) while it lives.
class KernelCounterTrace {
 public:
  explicit KernelCounterTrace(std::string container_id)
      : id_(std::move(container_id)), thread_([this] { run(); }) {}
  ~KernelCounterTrace() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  KernelCounterTrace(const KernelCounterTrace&) = delete;
  KernelCounterTrace& operator=(const KernelCounterTrace&) = delete;

  /// The counter at wall time `ns` (since the epoch), interpolated between
  /// the readings around it; nullopt when `ns` is outside them.  Call after
  /// the engine answered (the trace then holds readings after `ns`).
  std::optional<double> at(int64_t ns) {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    for (std::size_t i = 1; i < points_.size(); ++i) {
      const auto& [t0, v0] = points_[i - 1];
      const auto& [t1, v1] = points_[i];
      if (t0 <= ns && ns <= t1) {
        if (t1 == t0) return static_cast<double>(v0);
        const double f = static_cast<double>(ns - t0) / static_cast<double>(t1 - t0);
        return static_cast<double>(v0) + f * (static_cast<double>(v1) - static_cast<double>(v0));
      }
    }
    return std::nullopt;
  }
  [[nodiscard]] std::size_t readings() const { return points_.size(); }

 private:
  void run() {
    while (!stop_) {
      const int64_t before = now_ns();
      auto v = kernel_cpu_ns(id_);
      const int64_t after = now_ns();
      // Stamped with the middle of the read; the file read takes microseconds.
      if (v) points_.emplace_back(before + (after - before) / 2, *v);
      std::this_thread::sleep_for(1ms);
    }
  }
  static int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  std::string id_;
  std::atomic<bool> stop_{false};
  std::vector<std::pair<int64_t, uint64_t>> points_;
  std::thread thread_;
};

const model::ContainerSample* sample_of(const std::vector<model::ContainerSample>& samples,
                                        const std::string& service) {
  auto it = std::ranges::find(samples, service, &model::ContainerSample::service);
  return it == samples.end() ? nullptr : &*it;
}

TEST(UsageSampling, BusyLoopStatsAgreeWithTheKernelCounters) {
  SF_REQUIRE_LAB(lab);
  const std::string name = testing::unique_name("usage-busy");
  testing::ServiceCleanup cleanup(lab, {name});
  int status = -1;
  std::string out = testing::docker(
      lab, "service create --detach --no-resolve-image --name " + name +
               " --constraint node.hostname==kvm4 --limit-cpu 0.5 " + lab.get("LAB_IMAGE") +
               " sh -c 'while :; do :; done'",
      &status);
  ASSERT_EQ(status, 0) << out;
  ASSERT_TRUE(testing::wait_running(lab, name, 1)) << name << " did not start";
  const std::string kvm4_node = trimmed(testing::docker(lab, "node inspect kvm4 --format '{{.ID}}'"));

  // Read as usage will: over SSH, through kvm4's own engine.
  auto session = SshSession::connect(kvm4_ssh(lab));
  ASSERT_TRUE(session) << session.error().message;
  auto client = engine::DockerClient::connect(session->dialer());
  ASSERT_TRUE(client) << client.error().message;

  auto read_ours = [&]() -> std::optional<model::ContainerSample> {
    auto samples = engine::read_task_containers(*client);
    if (!samples) {
      ADD_FAILURE() << samples.error().message;
      return std::nullopt;
    }
    const model::ContainerSample* s = sample_of(*samples, name);
    if (s == nullptr) {
      ADD_FAILURE() << name << " is not among the " << samples->size() << " containers read";
      return std::nullopt;
    }
    return *s;
  };
  // A first reading finds the container; the kernel's counter is then traced
  // around each of the two compared readings, and read at the engine's own
  // "read" time of each.
  auto first = read_ours();
  ASSERT_TRUE(first);
  const std::string id = first->container_id;
  ASSERT_TRUE(kernel_cpu_ns(id)) << "no cgroup counter for " << id;
  EXPECT_EQ(first->task_id.size(), 25U) << first->task_id;
  EXPECT_EQ(first->node_id, kvm4_node);

  struct Traced {
    model::ContainerSample sample;
    double kernel_cpu_ns = 0;  ///< cpuacct.usage at the engine's "read" time
    CpuStat before;            ///< cpu.stat right before and after the call
    CpuStat after;
  };
  auto traced = [&]() -> std::optional<Traced> {
    Traced t;
    KernelCounterTrace trace(id);
    std::this_thread::sleep_for(5ms);
    t.before = kernel_cpu_stat(id);
    auto s = read_ours();
    t.after = kernel_cpu_stat(id);
    if (!s) return std::nullopt;
    t.sample = *s;
    std::this_thread::sleep_for(5ms);
    auto kernel = trace.at(s->read_at_ns);
    if (!kernel) {
      ADD_FAILURE() << "the engine's read time " << s->read_at_ns << " is outside the "
                    << trace.readings() << " kernel readings around its call";
      return std::nullopt;
    }
    t.kernel_cpu_ns = *kernel;
    return t;
  };
  auto a = traced();
  ASSERT_TRUE(a);
  std::this_thread::sleep_for(2s);
  auto b = traced();
  ASSERT_TRUE(b);
  const model::ContainerSample& sa = a->sample;
  const model::ContainerSample& sb = b->sample;
  ASSERT_EQ(sb.container_id, id);

  const double wall_s = static_cast<double>(sb.read_at_ns - sa.read_at_ns) / 1e9;
  EXPECT_GT(wall_s, 1.9);
  EXPECT_LT(wall_s, 10.0);
  ASSERT_GT(sb.cpu_total_ns, sa.cpu_total_ns);
  const double engine_delta = static_cast<double>(sb.cpu_total_ns - sa.cpu_total_ns);
  const double kernel_delta = b->kernel_cpu_ns - a->kernel_cpu_ns;
  RecordProperty("engine_cpu_ns", std::to_string(engine_delta));
  RecordProperty("kernel_cpu_ns", std::to_string(kernel_delta));
  EXPECT_NEAR(engine_delta, kernel_delta, 0.05 * kernel_delta)
      << "engine " << engine_delta << " ns, kernel " << kernel_delta << " ns over " << wall_s
      << " s";

  // The throttling counters are the kernel's (cpu.stat) as they were during
  // the call.  (How much a busy loop is throttled depends on what else the
  // machine runs: under load it may not even reach its limit.)
  for (const Traced* t : {&*a, &*b}) {
    EXPECT_GE(t->sample.periods, t->before.periods);
    EXPECT_LE(t->sample.periods, t->after.periods);
    EXPECT_GE(t->sample.throttled_periods, t->before.throttled);
    EXPECT_LE(t->sample.throttled_periods, t->after.throttled);
    EXPECT_GE(t->sample.throttled_ns, t->before.throttled_ns);
    EXPECT_LE(t->sample.throttled_ns, t->after.throttled_ns);
  }
  EXPECT_GT(sb.periods, sa.periods);
  ASSERT_TRUE(sb.memory_used_bytes.has_value());
  EXPECT_GT(*sb.memory_used_bytes, 0U);
  EXPECT_LT(*sb.memory_used_bytes, 64ULL << 20);
  EXPECT_FALSE(sb.oom_kills.has_value());  // cgroup v1: the engine reports none
}

TEST(UsageSampling, EveryReplicaOfAServiceIsRead) {
  SF_REQUIRE_LAB(lab);
  const std::string name = testing::unique_name("usage-replicas");
  testing::ServiceCleanup cleanup(lab, {name});
  ASSERT_NO_FATAL_FAILURE(
      testing::create_with_cli(lab, name, "--replicas 6 --constraint node.hostname==kvm4", 6));
  auto session = SshSession::connect(kvm4_ssh(lab));
  ASSERT_TRUE(session) << session.error().message;
  auto client = engine::DockerClient::connect(session->dialer());
  ASSERT_TRUE(client) << client.error().message;
  for (int reading = 0; reading < 2; ++reading) {
    const auto start = std::chrono::steady_clock::now();
    auto samples = engine::read_task_containers(*client);
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(samples) << samples.error().message;
    std::vector<std::string> ids;
    std::vector<std::string> tasks;
    for (const auto& s : *samples) {
      if (s.service != name) continue;
      ids.push_back(s.container_id);
      tasks.push_back(s.task_id);
      EXPECT_GT(s.read_at_ns, 0);
      EXPECT_TRUE(s.memory_used_bytes.has_value());
    }
    std::ranges::sort(ids);
    std::ranges::sort(tasks);
    EXPECT_EQ(ids.size(), 6U) << "reading " << reading;
    EXPECT_EQ(std::ranges::unique(ids).size(), 0U);
    EXPECT_EQ(std::ranges::unique(tasks).size(), 0U);
    RecordProperty("reading" + std::to_string(reading) + "_containers", std::to_string(samples->size()));
    RecordProperty("reading" + std::to_string(reading) + "_ms",
                   std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
  }

  // Through dial-stdio, where every connection is an SSH session running
  // `docker system dial-stdio`, and sshd allows 3 of them: the connections
  // it refuses only mean fewer at once.
  ExtraSshd narrow(lab, "3", lab_public_key(lab));
  ASSERT_GT(narrow.pid(), 0) << narrow.log();
  SshOptions o = narrow.options(lab);
  o.mode = model::TransportMode::dial_stdio;
  auto narrow_session = SshSession::connect(o);
  ASSERT_TRUE(narrow_session) << narrow_session.error().message;
  auto narrow_client = engine::DockerClient::connect(narrow_session->dialer());
  ASSERT_TRUE(narrow_client) << narrow_client.error().message;
  const auto start = std::chrono::steady_clock::now();
  auto samples = engine::read_task_containers(*narrow_client);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(samples) << samples.error().message;
  RecordProperty("max_sessions_3_containers", std::to_string(samples->size()));
  RecordProperty("max_sessions_3_ms",
                 std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
  EXPECT_EQ(std::ranges::count(*samples, name, &model::ContainerSample::service), 6);
}

}  // namespace
}  // namespace swarmform
