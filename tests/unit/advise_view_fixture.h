#pragma once
// Two answers of `advise`, built by hand as values (the renderer only
// prints them): a week of history where api moves from kvm4 to kvm2 and
// every host then fits, and one live minute where nothing fits (the status
// report's Option 2 question).  And one that advise() itself gives.

#include <string>

#include "reconciler/advise/advice.h"
#include "reconciler/config/loader.h"

namespace swarmform::advise::testing {

inline constexpr int64_t kMiB = int64_t{1} << 20;
inline constexpr int64_t kGiB = int64_t{1} << 30;

inline int64_t nano(double cpus) { return static_cast<int64_t>(cpus * 1e9 + 0.5); }

inline HostTotals totals(const std::string& name, double cpus, int64_t memory, double cpu_budget,
                         double cpu_limits, int64_t memory_limits, double cpu_reserved,
                         int64_t memory_reserved, double p95, bool fits) {
  HostTotals t;
  t.name = name;
  t.cpu_nano = nano(cpus);
  t.memory_bytes = memory;
  t.cpu_budget = nano(cpu_budget);
  t.memory_budget = nano(1);
  t.cpu_limits_nano = nano(cpu_limits);
  t.memory_limits_bytes = memory_limits;
  t.cpu_reservations_nano = nano(cpu_reserved);
  t.memory_reservations_bytes = memory_reserved;
  t.cpu_p95 = p95;
  t.fits = fits;
  return t;
}

inline Measured week(double p50, double p95, double memory_p50, double peak) {
  Measured m;
  m.samples = 1442;
  m.span_seconds = 7 * 86400;
  m.tasks = 1;
  m.cpu_p50 = p50;
  m.cpu_p95 = p95;
  m.cpu_max = p95;
  m.memory_p50 = memory_p50;
  m.memory_peak = peak;
  return m;
}

/// api (2 tasks) right-sized and moved kvm4 -> kvm2; saleor starved and
/// raised where it is; worker kept (too few windows), cron kept (not
/// measured); web unchanged; a fixed load on kvm4; a note.
inline Advice history_advice() {
  Advice a;
  a.basis.kind = Basis::Kind::history;
  a.basis.windows = 1442;
  a.basis.span_seconds = 7 * 86400;
  a.basis.first_at_unix = 1795478400;  // 2026-11-24T00:00:00Z
  a.basis.last_at_unix = 1796083200;   // 2026-12-01T00:00:00Z
  a.basis.source = "/var/lib/swarmform/usage.db";
  a.target_utilization = 0.8;

  ServiceAdvice api;
  api.name = "api";
  api.host_before = "kvm4";
  api.host_after = "kvm2";
  api.tasks = 2;
  api.limits_before = {nano(1), 512 * kMiB};
  api.sizing.limits = {nano(0.35), 620 * kMiB};
  api.sizing.reservations = {nano(0.1), 256 * kMiB};
  api.sizing.reasons = {
      "cpu 1 → 0.35: p95 0.3 cores, plus a 15% margin.",
      "memory 512MiB → 620MiB: peak 539MiB, plus a 15% margin.",
      "reservations cpu none → 0.1, memory none → 256MiB: the median use per task (p50 0.1 cores, "
      "250MiB), so the scheduler's view matches the baseline."};
  api.measured = true;
  api.figures = week(0.1, 0.3, 250.0 * kMiB, 539.0 * kMiB);

  ServiceAdvice cron;
  cron.name = "cron";
  cron.host_before = cron.host_after = "kvm2";
  cron.limits_before = cron.sizing.limits = {nano(0.1), 64 * kMiB};
  cron.sizing.kept = true;
  cron.sizing.reasons = {"not measured: no usage record names it."};

  ServiceAdvice saleor;
  saleor.name = "saleor";
  saleor.host_before = saleor.host_after = "kvm4";
  saleor.limits_before = {nano(1), 1 * kGiB};
  saleor.reservations_before = {nano(0.5), 700 * kMiB};
  saleor.sizing.limits = {nano(1.82), 1 * kGiB};
  saleor.sizing.reservations = {nano(0.5), 700 * kMiB};
  saleor.sizing.starved = true;
  saleor.sizing.reasons = {
      "cpu 1 → 1.82: p95 0.98 cores plus 0.6 cut off by the limit (throttled 40% of the time), "
      "plus a 15% margin."};
  saleor.measured = true;
  saleor.figures = week(0.5, 0.98, 700.0 * kMiB, 900.0 * kMiB);
  saleor.figures.throttled_share = 0.4;
  saleor.figures.throttled_cpus = 0.6;

  ServiceAdvice web;
  web.name = "web";
  web.host_before = web.host_after = "kvm4";
  web.limits_before = web.sizing.limits = {nano(0.5), 128 * kMiB};
  web.reservations_before = web.sizing.reservations = {nano(0.1), 64 * kMiB};
  web.sizing.reasons = {"cpu 0.5: p95 0.43 cores, plus a 15% margin."};
  web.measured = true;
  web.figures = week(0.1, 0.43, 60.0 * kMiB, 100.0 * kMiB);

  ServiceAdvice worker;
  worker.name = "worker";
  worker.host_before = worker.host_after = "kvm2";
  worker.limits_before = worker.sizing.limits = {nano(0.5), 256 * kMiB};
  worker.sizing.kept = true;
  worker.sizing.reasons = {
      "40 windows over 40m: too few to size from; keep recording (usage --record) — advise needs "
      "60 windows over at least 55m."};
  worker.measured = true;
  worker.figures.samples = 40;
  worker.figures.span_seconds = 2400;
  worker.figures.tasks = 1;

  a.services = {api, cron, saleor, web, worker};
  a.fixed = {{"portainer_agent", "kvm4", 0.05, "not declared"}};

  Placement& p = a.placement;
  p.fits = true;
  p.host_of = {{"api", "kvm2"}, {"cron", "kvm2"}, {"saleor", "kvm4"}, {"web", "kvm4"}, {"worker", "kvm2"}};
  p.moves = {{"api", "kvm4", "kvm2",
              "kvm4 is over (CPU limits 9.6 of 8 CPUs allowed); moving api frees 0.7 CPUs of limits "
              "and 0.6 CPUs of p95 there."}};
  p.before = {totals("kvm4", 4, 16 * kGiB, 2, 9.6, 12 * kGiB, 2, 4 * kGiB, 3.1, false),
              totals("kvm2", 2, 8 * kGiB, 1, 1, 1 * kGiB, 0.2, 512 * kMiB, 0.5, true)};
  p.after = {totals("kvm4", 4, 16 * kGiB, 2, 3.2, 4 * kGiB, 1.2, 3 * kGiB, 2.4, true),
             totals("kvm2", 2, 8 * kGiB, 1, 1.7, 2 * kGiB + 216 * kMiB, 0.4, 1 * kGiB, 1.1, true)};
  p.demand_p95_cpus = 3.5;
  p.smallest_total_cpus = 4.375;
  a.notes = {"2 usage records matched no declared service: old-api, tmp."};
  return a;
}

/// One live minute (the history was too short): saleor starved on kvm4,
/// which cannot give it more, and no placement fits.
inline Advice live_advice_that_does_not_fit() {
  Advice a;
  a.basis.kind = Basis::Kind::live_window;
  a.basis.windows = 1;
  a.basis.span_seconds = 60;
  a.basis.source = "a live window";
  a.basis.fallback_reason =
      "the history in /var/lib/swarmform/usage.db holds 12 windows, fewer than the 60 advise needs";
  a.target_utilization = 0.8;

  ServiceAdvice saleor;
  saleor.name = "saleor";
  saleor.host_before = saleor.host_after = "kvm4";
  saleor.limits_before = {nano(1), 1 * kGiB};
  saleor.sizing.limits = {nano(2.3), 1 * kGiB};
  saleor.sizing.reservations = {nano(1.2), 800 * kMiB};
  saleor.sizing.starved = true;
  saleor.sizing.reasons = {"cpu 1 → 2.3: p95 1 cores plus 1 cut off by the limit, plus a 15% margin."};
  saleor.measured = true;
  saleor.figures = week(1, 1, 800.0 * kMiB, 900.0 * kMiB);
  saleor.figures.samples = 1;
  saleor.figures.span_seconds = 60;
  saleor.cannot_raise = "kvm4 cannot give it more: p95 3.9 of the 3.2 CPUs its 80% target allows.";

  ServiceAdvice temporal;
  temporal.name = "temporal";
  temporal.host_before = temporal.host_after = "kvm4";
  temporal.limits_before = temporal.sizing.limits = {nano(2), 2 * kGiB};
  temporal.sizing.kept = true;
  temporal.sizing.reasons = {"1 windows over 1m 0s: too few to size from."};
  temporal.measured = true;
  temporal.figures.samples = 1;
  temporal.figures.span_seconds = 60;
  temporal.figures.tasks = 1;
  a.services = {saleor, temporal};

  Placement& p = a.placement;
  p.fits = false;
  p.host_of = {{"saleor", "kvm4"}, {"temporal", "kvm4"}};
  p.before = {totals("kvm4", 4, 16 * kGiB, 1, 7.6, 10 * kGiB, 3, 6 * kGiB, 7.7, false),
              totals("kvm2", 2, 8 * kGiB, 1, 1.9, 3 * kGiB, 1, 2 * kGiB, 1.9, false)};
  p.after = p.before;
  p.why_not = {
      "measured demand is 9.6 CPUs at p95; 4 + 2 CPUs cannot hold it at 80%; 12 CPUs in total "
      "could (e.g. kvm4 with 10 CPUs, the other hosts as they are).",
      "kvm4 would need 9.7 CPUs: p95 7.7 at 80%.",
      "kvm2 would need 2.4 CPUs: p95 1.9 at 80%."};
  p.demand_p95_cpus = 9.6;
  p.smallest_total_cpus = 12;
  return a;
}

/// advise() on two services crowding host a (2 CPUs, p95 0.9 + 0.8 over its
/// 1.6 target) with b (4 CPUs) empty: both right-sized, one moves to b.
inline Advice advised_crowded() {
  const std::string text =
      "version: 1\ncluster:\n  manager: a\nhosts:\n"
      "  a:\n    ssh: root@203.0.113.4\n    capacity: {cpus: 2, memory: 16GiB}\n"
      "  b:\n    ssh: root@203.0.113.5\n    capacity: {cpus: 4, memory: 16GiB}\n"
      "services:\n"
      "  x:\n    host: a\n    limits: {cpus: 1, memory: 256MiB}\n"
      "  y:\n    host: a\n    limits: {cpus: 1, memory: 256MiB}\n";
  config::Loaded loaded =
      config::load_desired_state({model::SourceFile{"a.yaml", text}}, config::LoadOptions{});
  MeasuredInput in;
  in.basis = history_advice().basis;
  in.services["x"] = week(0.45, 0.9, 100.0 * kMiB, 200.0 * kMiB);
  in.services["y"] = week(0.4, 0.8, 100.0 * kMiB, 200.0 * kMiB);
  return loaded.state ? advise(*loaded.state, in, {}) : Advice{};
}

}  // namespace swarmform::advise::testing
