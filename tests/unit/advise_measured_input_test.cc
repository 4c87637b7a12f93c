// advise::from_history and from_window: what advise rests on, keyed by the
// declared names a reviewer sees in the YAML.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reconciler/advise/measured_input.h"

namespace swarmform::advise {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

model::DesiredState desired() {
  model::DesiredState d;
  d.hosts["kvm4"].name = "kvm4";
  d.hosts["kvm2"].name = "kvm2";
  auto add = [&](const std::string& name, const std::string& match, const std::string& host) {
    model::Service s;
    s.name = name;
    s.match = match;
    s.host = host;
    d.services[name] = s;
  };
  add("saleor-api", "infra-saleorapi-*", "kvm4");  // a Dokploy-style suffix, matched by glob
  add("redis", "redis", "kvm4");
  add("loose", "loose", "");  // not pinned: its use is a fixed load
  add("dup-a", "dup-*", "kvm2");
  add("dup-b", "dup-?", "kvm2");
  return d;
}

usage::UsageRecord row(int64_t at, const std::string& service, const std::string& host, int tasks, double cpu,
                       double memory_mib, double throttled = 0) {
  usage::UsageRecord r;
  r.at_unix = at;
  r.window_seconds = 10;
  r.service = service;
  r.host = host;
  r.tasks = tasks;
  r.cpu_used = cpu;
  r.memory_used_bytes = static_cast<uint64_t>(memory_mib * kMiB);
  r.throttled_ratio = throttled;
  r.throttled_cpus = throttled;  // cores cut off, all tasks
  return r;
}

TEST(AdviseFromHistory, TheLargestTasksFiguresOfAGlobMatchedServiceOverTheWindows) {
  std::vector<usage::UsageRecord> rows;
  // One task on each of two hosts per window: 0.4 and 0.6 cores, then 1.0 and 1.0.
  rows.push_back(row(1000, "infra-saleorapi-a1b2c3", "kvm4", 1, 0.4, 100));
  rows.push_back(row(1000, "infra-saleorapi-a1b2c3", "kvm2", 1, 0.6, 300));
  rows.push_back(row(1060, "infra-saleorapi-a1b2c3", "kvm4", 1, 1.0, 200));
  rows.push_back(row(1060, "infra-saleorapi-a1b2c3", "kvm2", 1, 1.0, 200));
  const MeasuredInput in = from_history(desired(), rows, {}, "/var/lib/u.db");
  ASSERT_TRUE(in.services.contains("saleor-api"));
  const Measured& m = in.services.at("saleor-api");
  EXPECT_EQ(m.samples, 2);             // windows, not rows
  EXPECT_DOUBLE_EQ(m.span_seconds, 60);
  EXPECT_EQ(m.tasks, 2);
  // A limit holds every task: the largest task of each window counts (0.6
  // and 1.0 cores; 300 and 200 MiB), not the mean of the two (0.5, 200).
  EXPECT_NEAR(m.cpu_max, 1.0, 1e-6);
  EXPECT_NEAR(m.cpu_p50, 0.8, 1e-6);
  EXPECT_NEAR(m.memory_peak, 300 * kMiB, 1);
  EXPECT_EQ(in.basis.kind, Basis::Kind::history);
  EXPECT_EQ(in.basis.windows, 2);
  EXPECT_EQ(in.basis.first_at_unix, 1000);
  EXPECT_EQ(in.basis.last_at_unix, 1060);
  EXPECT_EQ(in.basis.source, "/var/lib/u.db");
  EXPECT_TRUE(in.fixed.empty());
}

TEST(AdviseFromHistory, UndeclaredUnpinnedAndAmbiguousServicesAreFixedLoadsOnTheirHostAndUnpinnedOnesAreSized) {
  std::vector<usage::UsageRecord> rows;
  for (int i = 0; i < 3; ++i) {
    rows.push_back(row(1000 + 60 * i, "postgres", "kvm4", 1, 1.5, 500));
    rows.push_back(row(1000 + 60 * i, "loose", "kvm2", 1, 0.2, 50));
    rows.push_back(row(1000 + 60 * i, "dup-x", "kvm2", 1, 0.3, 50));
  }
  const MeasuredInput in = from_history(desired(), rows, {}, "db");
  // The unpinned one is sized too: limits are per task wherever it runs.
  ASSERT_EQ(in.services.size(), 1U);
  EXPECT_NEAR(in.services.at("loose").cpu_p95, 0.2, 1e-6);  // kept as a float per window
  ASSERT_EQ(in.fixed.size(), 3U);  // by host, then service
  EXPECT_EQ(in.fixed[0].service, "dup-x");
  EXPECT_EQ(in.fixed[0].host, "kvm2");
  EXPECT_EQ(in.fixed[0].why, "matched by several declared services");
  EXPECT_EQ(in.fixed[1].service, "loose");
  EXPECT_EQ(in.fixed[1].why, "not pinned to a host");
  EXPECT_EQ(in.fixed[2].service, "postgres");
  EXPECT_EQ(in.fixed[2].host, "kvm4");
  EXPECT_DOUBLE_EQ(in.fixed[2].cpu_p95, 1.5);
  EXPECT_EQ(in.fixed[2].why, "not declared");
  // A service that ran on kvm4, then (newest windows) on kvm2 counts on kvm2
  // only; one no longer running counts nowhere.
  rows.push_back(row(1000, "moved", "kvm4", 1, 0.9, 10));
  rows.push_back(row(1180, "moved", "kvm2", 1, 0.7, 10));
  model::LiveState live;
  for (const char* name : {"postgres", "loose", "dup-x", "moved"}) {
    model::LiveService l;
    l.name = name;
    live.services.push_back(l);
  }
  const MeasuredInput now = from_history(desired(), rows, live, "db");
  std::vector<std::string> where;
  for (const auto& f : now.fixed) where.push_back(f.service + "@" + f.host);
  EXPECT_EQ(where, (std::vector<std::string>{"dup-x@kvm2", "loose@kvm2", "moved@kvm2", "postgres@kvm4"}));
  live.services.erase(live.services.begin());  // postgres removed since
  const MeasuredInput later = from_history(desired(), rows, live, "db");
  for (const auto& f : later.fixed) EXPECT_NE(f.service, "postgres");
  ASSERT_EQ(in.notes.size(), 1U);
  EXPECT_NE(in.notes[0].find("dup-x is matched by several declared services"), std::string::npos);
}

TEST(AdviseFromHistory, ThrottlingIsPerTaskAndLocalVolumesMarkLocalData) {
  std::vector<usage::UsageRecord> rows;
  rows.push_back(row(1000, "redis", "kvm4", 2, 2.0, 100, 0.5));
  model::LiveState live;
  model::LiveService redis;
  redis.name = "redis";
  redis.mounts.push_back({"volume", "redis-data", "/data", ""});
  model::LiveService web;
  web.name = "infra-saleorapi-a1b2c3";
  web.mounts.push_back({"volume", "shared", "/srv", "nfs-driver"});  // not local: data follows
  live.services = {redis, web};
  const MeasuredInput in = from_history(desired(), rows, live, "db");
  const Measured& m = in.services.at("redis");
  EXPECT_DOUBLE_EQ(m.throttled_share, 0.5);
  EXPECT_DOUBLE_EQ(m.throttled_cpus, 0.25);  // 0.5 cores cut off over 2 tasks
  EXPECT_EQ(in.local_data, std::set<std::string>{"redis"});
}

TEST(AdviseFromWindow, OneSampleLoudlyAndPartialOnlyServicesUnmeasured) {
  usage::UsageReport report;
  report.window_seconds = 60;
  usage::HostUsage down;
  down.name = "kvm2";
  down.error = "kvm2: ssh: connection refused";
  report.hosts.push_back(down);
  usage::ServiceUsage redis;
  redis.name = "redis";
  redis.host = "kvm4";
  redis.tasks = 2;
  redis.cpu_used = 1.0;
  redis.memory_used_bytes = static_cast<uint64_t>(400 * kMiB);
  usage::ServiceUsage starting;
  starting.name = "infra-saleorapi-zzzzzz";
  starting.host = "kvm4";
  starting.tasks = 0;
  starting.partial_tasks = 1;
  usage::ServiceUsage other;
  other.name = "traefik";
  other.host = "kvm4";
  other.tasks = 1;
  other.cpu_used = 0.3;
  report.services = {redis, starting, other};

  const MeasuredInput in = from_window(desired(), report, {});
  EXPECT_EQ(in.basis.kind, Basis::Kind::live_window);
  EXPECT_EQ(in.basis.windows, 1);
  EXPECT_DOUBLE_EQ(in.basis.span_seconds, 60);
  ASSERT_TRUE(in.services.contains("redis"));
  EXPECT_FALSE(in.services.contains("saleor-api"));  // only a partial task: nothing measured
  const Measured& m = in.services.at("redis");
  EXPECT_EQ(m.samples, 1);
  EXPECT_DOUBLE_EQ(m.cpu_p95, 0.5);
  EXPECT_DOUBLE_EQ(m.cpu_p50, 0.5);
  EXPECT_NEAR(m.memory_peak, 200 * kMiB, 1);
  ASSERT_EQ(in.fixed.size(), 1U);
  EXPECT_EQ(in.fixed[0].service, "traefik");
  ASSERT_EQ(in.notes.size(), 1U);
  EXPECT_NE(in.notes[0].find("kvm2 was not measured"), std::string::npos);
}

}  // namespace
}  // namespace swarmform::advise
