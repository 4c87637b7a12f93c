#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "reconciler/usage/history_summary.h"

namespace swarmform::usage {
namespace {

struct QuantileCase {
  std::vector<double> values;
  double q;
  double want;  // numpy.quantile(values, q), the default "linear" method
};

TEST(Quantile, AgreesWithNumPysDefault) {
  const QuantileCase cases[] = {
      {{1, 2, 3, 4}, 0.95, 3.85},
      {{1, 2, 3, 4}, 0.5, 2.5},
      {{4, 1, 3, 2}, 0.5, 2.5},  // unsorted input
      {{1, 2, 3, 4}, 0.0, 1.0},
      {{1, 2, 3, 4}, 1.0, 4.0},
      {{1, 2, 3, 4, 5}, 0.5, 3.0},
      {{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 0.95, 95.5},
      {{0.1, 0.1, 0.1, 2.0}, 0.5, 0.1},
      {{0.1, 0.1, 0.1, 2.0}, 0.95, 1.715},
      {{7}, 0.95, 7.0},
      {{}, 0.5, 0.0},
      {{1, 2}, 1.5, 2.0},   // q above 1 held at the top
      {{1, 2}, -0.5, 1.0},  // q below 0 held at the bottom
  };
  for (const auto& c : cases) {
    EXPECT_NEAR(quantile(c.values, c.q), c.want, 1e-12)
        << "q=" << c.q << " of " << testing::PrintToString(c.values);
  }
}

constexpr int64_t kDay = 86'400;
constexpr int64_t kT0 = 1'800'000'000;
constexpr uint64_t kMi = 1024 * 1024;

UsageRecord record(const std::string& service, const std::string& host, int64_t at, double cpu,
                   uint64_t memory, double throttled = 0, double window = 10) {
  UsageRecord r;
  r.at_unix = at;
  r.window_seconds = window;
  r.service = service;
  r.host = host;
  r.tasks = 1;
  r.cpu_used = cpu;
  r.throttled_ratio = throttled;
  r.memory_used_bytes = memory;
  return r;
}

TEST(Summarize, OneServiceOverAWeek) {
  std::vector<UsageRecord> rows;
  const double cpu[] = {0.2, 0.4, 0.1, 1.9, 0.3};
  for (int i = 0; i < 5; ++i) {
    rows.push_back(record("web", "alpha", kT0 + i * kDay, cpu[i], (100 + 10 * i) * kMi));
  }
  auto got = summarize(rows);
  ASSERT_EQ(got.size(), 1u);
  const ServiceHistory& h = got[0];
  EXPECT_EQ(h.service, "web");
  EXPECT_EQ(h.host, "alpha");
  EXPECT_EQ(h.samples, 5);
  EXPECT_EQ(h.first_at_unix, kT0);
  EXPECT_EQ(h.last_at_unix, kT0 + 4 * kDay);
  EXPECT_NEAR(h.cpu.p50, 0.3, 1e-12);
  EXPECT_NEAR(h.cpu.p95, 1.6, 1e-12);  // numpy.quantile([.1,.2,.3,.4,1.9], .95) = 1.6
  EXPECT_DOUBLE_EQ(h.cpu.max, 1.9);
  EXPECT_DOUBLE_EQ(h.memory_bytes.p50, 120.0 * kMi);
  EXPECT_DOUBLE_EQ(h.memory_bytes.p95, 138.0 * kMi);
  EXPECT_DOUBLE_EQ(h.memory_bytes.max, 140.0 * kMi);
}

TEST(Summarize, ThrottledShareIsWeightedByWindowLength) {
  // 30 s throttled 100% and 10 s not: three quarters of the recorded time
  // (the mean of the two ratios would say half).
  auto got = summarize({record("web", "alpha", kT0, 0.5, 0, 1.0, 30),
                        record("web", "alpha", kT0 + 60, 0.5, 0, 0.0, 10)});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_DOUBLE_EQ(got[0].throttled_share, 0.75);
}

TEST(Summarize, TheDemandCutOffIsWeightedByWindowLength) {
  // 0.4 cores cut off for 30 s, none for 10 s: 0.3 cores over the 40 s.
  UsageRecord starved = record("web", "alpha", kT0, 0.5, 0, 1.0, 30);
  starved.throttled_cpus = 0.4;
  UsageRecord calm = record("web", "alpha", kT0 + 60, 0.5, 0, 0.0, 10);
  auto got = summarize({starved, calm});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_DOUBLE_EQ(got[0].throttled_cpus, 0.3);
}

TEST(Summarize, LimitsAndTasksAreTheLatestWindowsOomKillsTheLargest) {
  UsageRecord newest = record("web", "alpha", kT0 + 2 * kDay, 0.5, 0);
  newest.cpu_limit_nano = 1'000'000'000;
  newest.memory_limit_bytes = 512 * 1024 * 1024;
  newest.tasks = 3;
  newest.oom_kills = 1;
  UsageRecord oldest = record("web", "alpha", kT0, 0.5, 0);
  oldest.cpu_limit_nano = 500'000'000;
  oldest.tasks = 1;
  oldest.oom_kills = 4;
  UsageRecord middle = record("web", "alpha", kT0 + kDay, 0.5, 0);  // no limit then, no OOM figure
  // Rows in any order: the latest is found by time.
  auto got = summarize({newest, oldest, middle});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].cpu_limit_nano, 1'000'000'000);
  EXPECT_EQ(got[0].memory_limit_bytes, 512 * 1024 * 1024);
  EXPECT_EQ(got[0].tasks, 3);
  EXPECT_EQ(got[0].oom_kills, 4u);
  EXPECT_EQ(got[0].first_at_unix, kT0);
  EXPECT_EQ(got[0].last_at_unix, kT0 + 2 * kDay);
}

TEST(Summarize, NoOomFigureAnywhereStaysAbsent) {
  auto got = summarize({record("web", "alpha", kT0, 0.5, 0)});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].oom_kills, std::nullopt);
  EXPECT_EQ(got[0].cpu_limit_nano, std::nullopt);
}

TEST(Summarize, OneRowPerServiceAndHostByHostThenP95Descending) {
  auto got = summarize({
      record("web", "beta", kT0, 0.1, 0),
      record("web", "alpha", kT0, 0.2, 0),
      record("worker", "alpha", kT0, 1.5, 0),
      record("cache", "alpha", kT0, 0.2, 0),
      record("web", "alpha", kT0 + 10, 0.2, 0),
  });
  std::vector<std::string> order;
  for (const auto& h : got)
    order.push_back(h.host + "/" + h.service + "/" + std::to_string(h.samples));
  EXPECT_EQ(order, (std::vector<std::string>{"alpha/worker/1", "alpha/cache/1", "alpha/web/2",
                                             "beta/web/1"}));
}

TEST(Summarize, NothingRecordedIsNothing) { EXPECT_TRUE(summarize({}).empty()); }

}  // namespace
}  // namespace swarmform::usage
