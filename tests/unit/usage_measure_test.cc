#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/model/quantity.h"
#include "reconciler/usage/measure.h"
#include "reconciler/usage/proc_stat.h"

namespace swarmform::usage {
namespace {

using model::kNano;

constexpr int64_t kSecond = 1'000'000'000;           // ns
constexpr int64_t kStart = 1'800'000'000 * kSecond;  // the first reading, ns since the epoch
constexpr int64_t kWindow = 10 * kSecond;
constexpr uint64_t kPeriodsIn10s = 100;  // CFS periods of 100 ms
constexpr int64_t kMi = 1024 * 1024;

/// alpha (4 CPUs) and beta (2 CPUs), declared in that order.
model::DesiredState two_hosts() {
  model::DesiredState d;
  d.hosts["alpha"].name = "alpha";
  d.hosts["alpha"].capacity = {4 * kNano, 8192 * kMi};
  d.hosts["beta"].name = "beta";
  d.hosts["beta"].capacity = {2 * kNano, 4096 * kMi};
  return d;
}

model::LiveService live_service(const std::string& name, int64_t nano_cpus, int64_t memory_bytes) {
  model::LiveService s;
  s.name = name;
  s.limits = {nano_cpus, memory_bytes};
  return s;
}

/// web: 0.5 CPU and 256 MiB a task; worker: 2 CPUs; batch: no limit.
model::LiveState live() {
  model::LiveState l;
  l.services = {live_service("web", kNano / 2, 256 * kMi), live_service("worker", 2 * kNano, 0),
                live_service("batch", 0, 0)};
  return l;
}

/// What one container's counters read at `at_ns`.
struct Counters {
  int64_t at_ns = kStart;
  uint64_t cpu_ns = 0;
  uint64_t periods = 0;
  uint64_t throttled_periods = 0;
  uint64_t throttled_ns = 0;
  std::optional<uint64_t> memory = 0;
  std::optional<uint64_t> oom_kills;
};

model::ContainerSample container(const std::string& id, const std::string& service,
                                 const Counters& c) {
  model::ContainerSample s;
  s.container_id = id;
  s.service = service;
  s.task_id = "task-" + id;
  s.read_at_ns = c.at_ns;
  s.cpu_total_ns = c.cpu_ns;
  s.periods = c.periods;
  s.throttled_periods = c.throttled_periods;
  s.throttled_ns = c.throttled_ns;
  s.memory_used_bytes = c.memory;
  s.oom_kills = c.oom_kills;
  return s;
}

/// One container read at the start of the window (with some history) and at
/// its end, `during` the window added to its counters.
struct Task {
  std::string id;
  std::string service;
  Counters before;
  Counters after;
};

Task task(const std::string& id, const std::string& service, const Counters& during) {
  Counters before;
  before.cpu_ns = 1'000 * kSecond;  // some history before the window
  before.periods = 5'000;
  before.throttled_periods = 1'000;
  before.throttled_ns = 100 * kSecond;
  Counters after = during;
  after.at_ns = kStart + kWindow;
  after.cpu_ns += before.cpu_ns;
  after.periods += before.periods;
  after.throttled_periods += before.throttled_periods;
  after.throttled_ns += before.throttled_ns;
  return {id, service, before, after};
}

model::HostSample host_counters(double load1, uint64_t busy, uint64_t total, int cpus) {
  model::HostSample s;
  s.load1 = load1;
  s.busy_ticks = busy;
  s.total_ticks = total;
  s.cpus = cpus;
  return s;
}

/// A host that answered: its tasks at both ends, its own counters showing
/// `busy_cpus` of `cpus` busy over the window.
HostReadings answered(const std::string& host, const std::vector<Task>& tasks, double busy_cpus = 0,
                      int cpus = 4) {
  HostReadings r;
  r.host = host;
  for (const auto& t : tasks) {
    r.first.push_back(container(t.id, t.service, t.before));
    r.second.push_back(container(t.id, t.service, t.after));
  }
  constexpr uint64_t kTicksPerCpu = 1000;  // over the window
  r.host_first = host_counters(1.0, 0, 0, cpus);
  r.host_second = host_counters(6.5, static_cast<uint64_t>(busy_cpus * kTicksPerCpu),
                                static_cast<uint64_t>(cpus) * kTicksPerCpu, cpus);
  return r;
}

const ServiceUsage* row(const UsageReport& r, const std::string& service, const std::string& host) {
  for (const auto& s : r.services) {
    if (s.name == service && s.host == host) return &s;
  }
  return nullptr;
}

const HostUsage* host_row(const UsageReport& r, const std::string& host) {
  for (const auto& h : r.hosts) {
    if (h.name == host) return &h;
  }
  return nullptr;
}

UsageReport measure_hosts(const std::vector<HostReadings>& readings,
                          std::vector<std::string> targets = {}) {
  return measure(two_hosts(), live(), readings, MeasureOptions{10.0, std::move(targets)});
}

/// A task without a CPU limit (no CFS periods) that used `cpu_ns`.
Counters used(uint64_t cpu_ns) {
  Counters c;
  c.cpu_ns = cpu_ns;
  return c;
}

/// A task under a CPU limit over the window: the CPU it got and how often
/// and how long the limit held it back.
Counters busy(uint64_t cpu_ns, uint64_t throttled_periods, uint64_t throttled_ns) {
  Counters c = used(cpu_ns);
  c.periods = kPeriodsIn10s;
  c.throttled_periods = throttled_periods;
  c.throttled_ns = throttled_ns;
  c.memory = 64 * kMi;
  return c;
}

struct ServiceCase {
  const char* what;
  Task task;
  double cpu_used;
  std::optional<int64_t> cpu_limit_nano;
  double throttled_ratio;
  std::vector<std::string> flags;
};

TEST(Measure, ServiceFlagsAsAUserReadsThem) {
  const ServiceCase cases[] = {
      {"a busy loop held at 0.5 CPU is starved",
       task("c1", "web", busy(5 * kSecond, 80, 5 * kSecond)),
       0.5,
       kNano / 2,
       0.8,
       {"starved"}},
      {"throttled exactly 25% of periods is starved",
       task("c1", "web", busy(kSecond, 25, 0)),
       0.1,
       kNano / 2,
       0.25,
       {"starved"}},
      {"throttled 24% is not", task("c1", "web", busy(kSecond, 24, 0)), 0.1, kNano / 2, 0.24, {}},
      {"an idle task under a 2-CPU limit is idle",
       task("c1", "worker", busy(kSecond / 10, 0, 0)),
       0.01,
       2 * kNano,
       0,
       {"idle"}},
      {"5% of its limit is still idle",
       task("c1", "worker", busy(kSecond, 0, 0)),
       0.1,
       2 * kNano,
       0,
       {"idle"}},
      {"6% of its limit is not idle",
       task("c1", "worker", busy(kSecond * 12 / 10, 0, 0)),
       0.12,
       2 * kNano,
       0,
       {}},
      {"an unlimited busy loop has no limit",
       task("c1", "batch", used(8 * kSecond)),
       0.8,
       std::nullopt,
       0,
       {"no limit"}},
      {"a service the manager does not list has no limit we know",
       task("c1", "gone", used(kSecond)),
       0.1,
       std::nullopt,
       0,
       {"no limit"}},
      {"an idle unlimited service is not idle, only unlimited",
       task("c1", "batch", Counters{}),
       0,
       std::nullopt,
       0,
       {"no limit"}},
  };
  for (const auto& c : cases) {
    auto report = measure_hosts({answered("alpha", {c.task})});
    const ServiceUsage* s = row(report, c.task.service, "alpha");
    ASSERT_NE(s, nullptr) << c.what;
    EXPECT_EQ(s->tasks, 1) << c.what;
    EXPECT_EQ(s->partial_tasks, 0) << c.what;
    EXPECT_NEAR(s->cpu_used, c.cpu_used, 1e-9) << c.what;
    EXPECT_EQ(s->cpu_limit_nano, c.cpu_limit_nano) << c.what;
    EXPECT_NEAR(s->throttled_ratio, c.throttled_ratio, 1e-9) << c.what;
    EXPECT_EQ(flag_names(*s), c.flags) << c.what;
  }
}

TEST(Measure, ThrottledTimeIsTheDemandCutOffInCores) {
  auto report =
      measure_hosts({answered("alpha", {task("c1", "web", busy(5 * kSecond, 80, 15 * kSecond))})});
  const ServiceUsage* s = row(report, "web", "alpha");
  ASSERT_NE(s, nullptr);
  EXPECT_DOUBLE_EQ(s->throttled_cpus, 1.5);  // 15 s throttled over 10 s
  EXPECT_EQ(s->memory_used_bytes, uint64_t{64 * kMi});
  EXPECT_EQ(s->memory_limit_bytes, 256 * kMi);
}

TEST(Measure, TasksOfOneServiceOnOneHostAddUp) {
  auto report = measure_hosts({answered("alpha", {task("c1", "web", busy(5 * kSecond, 80, 0)),
                                                  task("c2", "web", busy(kSecond, 0, 0))})});
  ASSERT_EQ(report.services.size(), 1u);
  const ServiceUsage& s = report.services[0];
  EXPECT_EQ(s.tasks, 2);
  EXPECT_NEAR(s.cpu_used, 0.6, 1e-9);
  EXPECT_EQ(s.cpu_limit_nano, kNano);  // 0.5 a task x 2
  EXPECT_EQ(s.memory_limit_bytes, 512 * kMi);
  EXPECT_EQ(s.memory_used_bytes, uint64_t{128 * kMi});
  EXPECT_DOUBLE_EQ(s.throttled_ratio, 0.4);  // 80 of 200 periods
  EXPECT_FALSE(s.idle);
  EXPECT_TRUE(s.starved);
}

TEST(Measure, TwoTasksOnTwoHostsAreTwoRowsInTheHostsOrder) {
  auto report = measure_hosts({answered("beta", {task("c2", "web", busy(kSecond, 0, 0))}),
                               answered("alpha", {task("c1", "web", busy(2 * kSecond, 0, 0))})});
  ASSERT_EQ(report.services.size(), 2u);
  EXPECT_EQ(report.services[0].host, "alpha");
  EXPECT_NEAR(report.services[0].cpu_used, 0.2, 1e-9);
  EXPECT_EQ(report.services[0].cpu_limit_nano, kNano / 2);
  EXPECT_EQ(report.services[1].host, "beta");
  EXPECT_NEAR(report.services[1].cpu_used, 0.1, 1e-9);
  ASSERT_EQ(report.hosts.size(), 2u);
  EXPECT_EQ(report.hosts[0].name, "alpha");
  EXPECT_EQ(report.hosts[1].name, "beta");
  EXPECT_EQ(report.hosts[1].capacity_nano, 2 * kNano);
  EXPECT_EQ(report.hosts[1].memory_capacity_bytes, 4096 * kMi);
  EXPECT_DOUBLE_EQ(report.window_seconds, 10.0);
}

struct PartialCase {
  const char* what;
  std::vector<model::ContainerSample> first;
  std::vector<model::ContainerSample> second;
};

TEST(Measure, ContainersNotMeasuredAtBothEndsArePartialNotZero) {
  const Task t = task("c1", "web", busy(5 * kSecond, 80, 0));
  Counters restarted = t.after;
  restarted.cpu_ns = kSecond;  // a new process under the same id: counters from 0
  Counters periods_reset = t.after;
  periods_reset.periods = 1;
  Counters throttled_periods_reset = t.after;
  throttled_periods_reset.throttled_periods = 0;
  Counters throttled_time_reset = t.after;
  throttled_time_reset.throttled_ns = 0;
  Counters same_read_time = t.after;
  same_read_time.at_ns = t.before.at_ns;
  const PartialCase cases[] = {
      {"started inside the window", {}, {container("c1", "web", t.after)}},
      {"stopped inside the window", {container("c1", "web", t.before)}, {}},
      {"restarted: CPU counter went backwards",
       {container("c1", "web", t.before)},
       {container("c1", "web", restarted)}},
      {"restarted: CFS periods went backwards",
       {container("c1", "web", t.before)},
       {container("c1", "web", periods_reset)}},
      {"restarted: throttled periods went backwards",
       {container("c1", "web", t.before)},
       {container("c1", "web", throttled_periods_reset)}},
      {"restarted: throttled time went backwards",
       {container("c1", "web", t.before)},
       {container("c1", "web", throttled_time_reset)}},
      {"the engine's read time did not advance",
       {container("c1", "web", t.before)},
       {container("c1", "web", same_read_time)}},
  };
  for (const auto& c : cases) {
    HostReadings r = answered("alpha", {});
    r.first = c.first;
    r.second = c.second;
    auto report = measure_hosts({r});
    const ServiceUsage* s = row(report, "web", "alpha");
    ASSERT_NE(s, nullptr) << c.what;
    EXPECT_EQ(s->partial_tasks, 1) << c.what;
    EXPECT_EQ(s->tasks, 0) << c.what;
    EXPECT_EQ(s->cpu_used, 0) << c.what;
    EXPECT_EQ(s->cpu_limit_nano, std::nullopt)
        << c.what << ": no measured task to hold a limit against";
    EXPECT_FALSE(s->idle) << c.what << ": partial is not idle";
    EXPECT_FALSE(s->no_limit) << c.what;
  }
}

TEST(Measure, APartialTaskBesideAMeasuredOneLeavesTheMeasuredFigure) {
  HostReadings r = answered("alpha", {task("c1", "web", busy(3 * kSecond, 0, 0))});
  Counters started = used(kSecond);
  started.at_ns = kStart + kWindow;
  r.second.push_back(container("c2", "web", started));
  auto report = measure_hosts({r});
  const ServiceUsage* s = row(report, "web", "alpha");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->tasks, 1);
  EXPECT_EQ(s->partial_tasks, 1);
  EXPECT_NEAR(s->cpu_used, 0.3, 1e-9);
  EXPECT_EQ(s->cpu_limit_nano, kNano / 2);
}

struct OtherCase {
  const char* what;
  double busy_cpus;
  double other_cpus;
};

TEST(Measure, OutsideSwarmIsBusyMinusSwarmNeverNegative) {
  const OtherCase cases[] = {
      {"a build beside the services", 3.0, 1.7},
      {"swarm above the host's busy CPUs (readings a moment apart)", 1.0, 0.0},
      {"exactly the services", 1.3, 0.0},
  };
  for (const auto& c : cases) {
    auto report = measure_hosts({answered(
        "alpha",
        {task("c1", "batch", used(8 * kSecond)), task("c2", "web", busy(5 * kSecond, 80, 0))},
        c.busy_cpus)});
    const HostUsage* h = host_row(report, "alpha");
    ASSERT_NE(h, nullptr) << c.what;
    EXPECT_NEAR(h->swarm_cpus, 1.3, 1e-9) << c.what;
    ASSERT_TRUE(h->busy_cpus.has_value()) << c.what << ": " << h->host_figures_unavailable;
    EXPECT_NEAR(*h->busy_cpus, c.busy_cpus, 1e-9) << c.what;
    ASSERT_TRUE(h->other_cpus.has_value()) << c.what;
    EXPECT_NEAR(*h->other_cpus, c.other_cpus, 1e-9) << c.what;
    EXPECT_EQ(h->load1, 6.5) << c.what << ": the load at the end of the window";
    EXPECT_EQ(h->cpus_seen, 4) << c.what;
    EXPECT_EQ(h->host_figures_unavailable, "") << c.what;
  }
}

TEST(Measure, AHostThatDidNotAnswerIsSaidSoAndTheOthersStillReported) {
  HostReadings down;
  down.host = "beta";
  down.error = "beta: ssh: connection refused";
  auto report = measure_hosts({answered("alpha", {task("c1", "web", busy(kSecond, 0, 0))}), down});
  const HostUsage* h = host_row(report, "beta");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->error, "beta: ssh: connection refused");
  EXPECT_EQ(h->load1, std::nullopt);
  EXPECT_EQ(h->busy_cpus, std::nullopt);
  EXPECT_EQ(h->other_cpus, std::nullopt);
  EXPECT_EQ(h->capacity_nano, 2 * kNano);
  ASSERT_EQ(report.services.size(), 1u);
  EXPECT_EQ(report.services[0].host, "alpha");
}

TEST(Measure, ADeclaredHostWithoutReadingsIsAnErrorAndAnUndeclaredOneIgnored) {
  auto report = measure_hosts(
      {answered("alpha", {}), answered("gamma", {task("c9", "web", busy(kSecond, 0, 0))})});
  ASSERT_EQ(report.hosts.size(), 2u);
  EXPECT_EQ(report.hosts[1].name, "beta");
  EXPECT_EQ(report.hosts[1].error, "beta: not read");
  EXPECT_TRUE(report.services.empty());
}

struct UnavailableCase {
  const char* what;
  Result<model::HostSample> first;
  Result<model::HostSample> second;
  std::string reason;
};

TEST(Measure, HostFiguresUnavailableCarryTheReasonAndServicesStillCount) {
  const std::string refused =
      "alpha: exec refused: the key is restricted (command= in authorized_keys)";
  const auto garbage = parse_host_counters("This key may only run docker system dial-stdio\n");
  ASSERT_FALSE(garbage.has_value());
  const auto ok = host_counters(1.0, 0, 0, 4);
  const auto later = host_counters(2.0, 1000, 4000, 4);
  const UnavailableCase cases[] = {
      {"exec refused at both ends", fail(refused), fail(refused), refused},
      {"a forced command's output", garbage, garbage, garbage.error().message},
      {"the first reading failed: its reason first", fail("first: timed out"),
       fail("second: refused"), "first: timed out"},
      {"only the second reading failed", ok, fail("second: refused"), "second: refused"},
      {"counters that did not advance", later, later,
       "the host's CPU counters did not advance between the two readings"},
  };
  for (const auto& c : cases) {
    HostReadings r = answered("alpha", {task("c1", "web", busy(5 * kSecond, 80, 0))});
    r.host_first = c.first;
    r.host_second = c.second;
    auto report = measure_hosts({r});
    const HostUsage* h = host_row(report, "alpha");
    ASSERT_NE(h, nullptr) << c.what;
    EXPECT_EQ(h->error, std::nullopt) << c.what;
    EXPECT_EQ(h->host_figures_unavailable, c.reason) << c.what;
    EXPECT_EQ(h->busy_cpus, std::nullopt) << c.what;
    EXPECT_EQ(h->other_cpus, std::nullopt) << c.what;
    EXPECT_NEAR(h->swarm_cpus, 0.5, 1e-9) << c.what;
    const ServiceUsage* s = row(report, "web", "alpha");
    ASSERT_NE(s, nullptr) << c.what;
    EXPECT_NEAR(s->cpu_used, 0.5, 1e-9) << c.what;
  }
}

TEST(Measure, TargetFiltersTheRowsButKeepsTheHostTotals) {
  auto report = measure_hosts({answered("alpha",
                                        {task("c1", "batch", used(8 * kSecond)),
                                         task("c2", "web", busy(5 * kSecond, 80, 0)),
                                         task("c3", "worker", busy(kSecond, 0, 0))},
                                        3.0)},
                              {"w*b", "nothing-*"});
  ASSERT_EQ(report.services.size(), 1u);
  EXPECT_EQ(report.services[0].name, "web");
  const HostUsage* h = host_row(report, "alpha");
  ASSERT_NE(h, nullptr);
  EXPECT_NEAR(h->swarm_cpus, 1.4, 1e-9);
  EXPECT_NEAR(h->other_cpus.value_or(-1), 1.6, 1e-9);
}

TEST(Measure, RowsByHostThenCpuDescendingThenName) {
  auto report = measure_hosts({answered("alpha", {task("a1", "batch", used(kSecond)),
                                                  task("a2", "worker", busy(3 * kSecond, 0, 0)),
                                                  task("a3", "web", busy(kSecond, 0, 0))}),
                               answered("beta", {task("b1", "zeta", used(9 * kSecond))})});
  std::vector<std::string> order;
  for (const auto& s : report.services) order.push_back(s.host + "/" + s.name);
  EXPECT_EQ(order,
            (std::vector<std::string>{"alpha/worker", "alpha/batch", "alpha/web", "beta/zeta"}));
}

TEST(Measure, OomKillsAddUpWhereReported) {
  Counters with_kills = busy(kSecond, 0, 0);
  with_kills.oom_kills = 2;
  Counters more_kills = with_kills;
  more_kills.oom_kills = 3;
  auto reported = measure_hosts(
      {answered("alpha", {task("c1", "web", with_kills), task("c2", "web", more_kills),
                          task("c3", "web", busy(kSecond, 0, 0))})});
  ASSERT_EQ(reported.services.size(), 1u);
  EXPECT_EQ(reported.services[0].oom_kills, 5u);
  auto not_reported = measure_hosts({answered("alpha", {task("c1", "web", busy(kSecond, 0, 0))})});
  ASSERT_EQ(not_reported.services.size(), 1u);
  EXPECT_EQ(not_reported.services[0].oom_kills, std::nullopt);
}

TEST(Measure, ATaskWithoutAMemoryFigureAddsNothing) {
  Counters no_memory = busy(kSecond, 0, 0);
  no_memory.memory = std::nullopt;
  auto report = measure_hosts(
      {answered("alpha", {task("c1", "web", no_memory), task("c2", "web", busy(kSecond, 0, 0))})});
  ASSERT_EQ(report.services.size(), 1u);
  EXPECT_EQ(report.services[0].tasks, 2);
  EXPECT_EQ(report.services[0].memory_used_bytes, uint64_t{64 * kMi});
}

}  // namespace
}  // namespace swarmform::usage
