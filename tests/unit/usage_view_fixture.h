#pragma once
// The seed's status report as a measured value: kvm4 (4 CPUs) with an
// unlimited AI agent at 2.61 cores, a starved CRM pinned at its 1-CPU limit
// and an idle CMS; kvm2 with Redis at 1.24 of 2 cores, its key restricted to
// the engine (no host figures); kvm3 that did not answer.  And a week of
// history of the same.

#include <vector>

#include "reconciler/usage/history_summary.h"
#include "reconciler/usage/usage_report.h"

namespace swarmform::usage::testing {

inline constexpr int64_t kMiB = int64_t{1} << 20;
inline constexpr int64_t kGiB = int64_t{1} << 30;

inline UsageReport seed_usage() {
  UsageReport r;
  r.window_seconds = 10;

  HostUsage kvm4;
  kvm4.name = "kvm4";
  kvm4.capacity_nano = 4'000'000'000;
  kvm4.memory_capacity_bytes = 16 * kGiB;
  kvm4.load1 = 21.9;
  kvm4.busy_cpus = 3.92;
  kvm4.cpus_seen = 4;
  kvm4.swarm_cpus = 3.62;
  kvm4.other_cpus = 0.30;

  HostUsage kvm2;
  kvm2.name = "kvm2";
  kvm2.capacity_nano = 2'000'000'000;
  kvm2.memory_capacity_bytes = 4 * kGiB;
  kvm2.host_figures_unavailable = "exec refused: the SSH key is restricted to the engine";
  kvm2.swarm_cpus = 1.24;

  HostUsage kvm3;
  kvm3.name = "kvm3";
  kvm3.capacity_nano = 2'000'000'000;
  kvm3.error = "ssh: connection refused";
  r.hosts = {kvm4, kvm2, kvm3};

  ServiceUsage ai;
  ai.name = "ai-agents";
  ai.host = "kvm4";
  ai.tasks = 1;
  ai.cpu_used = 2.61;
  ai.memory_used_bytes = 3 * kGiB / 2;  // 1.5GiB
  ai.no_limit = true;

  ServiceUsage crm;
  crm.name = "django-crm";
  crm.host = "kvm4";
  crm.tasks = 2;
  crm.partial_tasks = 1;
  crm.cpu_used = 1.0;
  crm.cpu_limit_nano = 1'000'000'000;
  crm.throttled_ratio = 0.38;
  crm.throttled_cpus = 0.42;
  crm.memory_used_bytes = 310 * kMiB;
  crm.memory_limit_bytes = 512 * kMiB;
  crm.oom_kills = 0;
  crm.starved = true;

  ServiceUsage cms;
  cms.name = "wagtail-cms";
  cms.host = "kvm4";
  cms.tasks = 1;
  cms.cpu_used = 0.01;
  cms.cpu_limit_nano = 1'000'000'000;
  cms.memory_used_bytes = 100 * kMiB + 12345;  // not exact: about one decimal
  cms.memory_limit_bytes = 256 * kMiB;
  cms.oom_kills = 2;
  cms.idle = true;

  ServiceUsage redis;
  redis.name = "redis";
  redis.host = "kvm2";
  redis.tasks = 1;
  redis.cpu_used = 1.24;
  redis.cpu_limit_nano = 2'000'000'000;
  redis.throttled_ratio = 0.02;
  redis.memory_used_bytes = 310 * kMiB;
  redis.memory_limit_bytes = 512 * kMiB;

  r.services = {ai, crm, cms, redis};
  return r;
}

/// A week of recorded windows, summarised: kvm4 (ai-agents, a starved
/// django-crm with OOM kills), kvm2 (redis).
inline std::vector<ServiceHistory> seed_history() {
  ServiceHistory ai;
  ai.service = "ai-agents";
  ai.host = "kvm4";
  ai.samples = 2016;
  ai.first_at_unix = 1796000000;  // 2026-11-30T00:53:20Z
  ai.last_at_unix = 1796604200;   // 2026-12-07T00:43:20Z
  ai.cpu = {0.9, 2.4, 2.61};
  ai.memory_bytes = {static_cast<double>(kGiB), 1.5 * kGiB, 2.0 * kGiB};
  ai.tasks = 1;
  ServiceHistory crm;
  crm.service = "django-crm";
  crm.host = "kvm4";
  crm.samples = 2000;
  crm.first_at_unix = 1796009000;
  crm.last_at_unix = 1796604200;
  crm.cpu = {0.98, 1.0, 1.0};
  crm.memory_bytes = {300.0 * kMiB, 310.0 * kMiB + 0.5, 512.0 * kMiB};
  crm.throttled_share = 0.41;
  crm.cpu_limit_nano = 1'000'000'000;
  crm.memory_limit_bytes = 512 * kMiB;
  crm.oom_kills = 3;
  crm.tasks = 2;
  ServiceHistory redis;
  redis.service = "redis";
  redis.host = "kvm2";
  redis.samples = 10;
  redis.first_at_unix = 1796500000;
  redis.last_at_unix = 1796600000;
  redis.cpu = {1.1, 1.2, 1.3};
  redis.cpu_limit_nano = 2'000'000'000;
  return {ai, crm, redis};
}

}  // namespace swarmform::usage::testing
