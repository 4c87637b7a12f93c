#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "reconciler/usage/proc_stat.h"

namespace swarmform::usage {
namespace {

// `cat /proc/loadavg /proc/stat` on the build machine (Linux 6.x, 2 CPUs),
// saved as it was printed.
constexpr std::string_view kRealOutput = R"(8.59 3.68 2.54 12/186 16493
cpu  4282935 1647668 827108 742155 15422 0 7529 51267 0 0
cpu0 2132225 834570 401521 385916 5561 0 1806 25346 0 0
cpu1 2150709 813097 425587 356238 9861 0 5722 25920 0 0
intr 45186012 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 3 3 9 0 5 0 0 7582 1617 0 629 1 1889068 0 1454 1137 0 22123 68486 10 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
ctxt 77318976
btime 1796074588
processes 826836
procs_running 12
procs_blocked 0
softirq 12765859 0 2163659 18690 685978 1888788 0 8 2305346 2 5703388
)";

constexpr std::string_view kNotProc = "not the output of `cat /proc/loadavg /proc/stat`: ";

TEST(ParseHostCounters, ReadsARealKernelsOutput) {
  auto got = parse_host_counters(kRealOutput);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_DOUBLE_EQ(got->load1, 8.59);
  EXPECT_DOUBLE_EQ(got->load5, 3.68);
  EXPECT_DOUBLE_EQ(got->load15, 2.54);
  EXPECT_EQ(got->cpus, 2);
  // user + nice + system + irq + softirq + steal; total adds idle and iowait.
  EXPECT_EQ(got->busy_ticks, 4282935u + 1647668u + 827108u + 0u + 7529u + 51267u);
  EXPECT_EQ(got->total_ticks, 6816507u + 742155u + 15422u);
}

TEST(ParseHostCounters, ReadsThisMachinesProcNow) {
  std::ostringstream text;
  for (const char* path : {"/proc/loadavg", "/proc/stat"}) text << std::ifstream(path).rdbuf();
  auto got = parse_host_counters(text.str());
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->cpus, static_cast<int>(std::thread::hardware_concurrency()));
  EXPECT_GT(got->total_ticks, got->busy_ticks);
}

struct ColumnsCase {
  const char* what;
  const char* cpu_line;
  uint64_t busy;
  uint64_t total;
};

TEST(ParseHostCounters, EveryKernelsColumnCount) {
  const ColumnsCase cases[] = {
      {"2.4: user nice system idle", "cpu  100 20 30 400", 150, 550},
      {"2.5.41: + iowait", "cpu  100 20 30 400 50", 150, 600},
      {"2.6.0: + irq softirq", "cpu  100 20 30 400 50 5 6", 161, 611},
      {"2.6.11: + steal", "cpu  100 20 30 400 50 5 6 7", 168, 618},
      {"2.6.24: + guest (inside user)", "cpu  100 20 30 400 50 5 6 7 90", 168, 618},
      {"2.6.33: + guest_nice (inside nice)", "cpu  100 20 30 400 50 5 6 7 90 15", 168, 618},
  };
  for (const auto& c : cases) {
    std::string text = std::string("0.10 0.20 0.30 1/100 4242\n") + c.cpu_line + "\ncpu0 1 2 3 4\n";
    auto got = parse_host_counters(text);
    ASSERT_TRUE(got.has_value()) << c.what << ": " << got.error().message;
    EXPECT_EQ(got->busy_ticks, c.busy) << c.what;
    EXPECT_EQ(got->total_ticks, c.total) << c.what;
    EXPECT_EQ(got->cpus, 1) << c.what;
  }
}

struct GarbageCase {
  const char* what;
  std::string text;
  const char* why;
};

TEST(ParseHostCounters, RefusesWhatIsNotProcSayingWhy) {
  const std::string load = "0.52 0.58 0.59 2/345 12345\n";
  const std::string cpu0 = "cpu0 1 2 3 4\n";
  const GarbageCase cases[] = {
      {"no output", "", "empty output"},
      {"blank output", "\n \n", "empty output"},
      {"a forced command's banner", "This key may only run docker system dial-stdio\n",
       "the first line is not /proc/loadavg: 'This key may only run docker system dial-stdio'"},
      {"a control character is quoted escaped", "\x1b[2Jgotcha\n", "'\\x1b[2Jgotcha'"},
      {"loadavg only", load, "no aggregate \"cpu\" line"},
      {"loadavg with four fields", "0.52 0.58 0.59 2/345\ncpu  1 2 3 4\n" + cpu0,
       "not /proc/loadavg"},
      {"a load that is not a number", "nan 0.58 0.59 2/345 12345\ncpu  1 2 3 4\n" + cpu0,
       "not /proc/loadavg"},
      {"a negative load", "-1 0.58 0.59 2/345 12345\ncpu  1 2 3 4\n" + cpu0, "not /proc/loadavg"},
      {"no task counts", "0.52 0.58 0.59 2345 12345\ncpu  1 2 3 4\n" + cpu0, "not /proc/loadavg"},
      {"three counters", load + "cpu  1 2 3\n" + cpu0, "has 3 counters, expected 4 to 10"},
      {"eleven counters", load + "cpu  1 2 3 4 5 6 7 8 9 10 11\n" + cpu0,
       "has 11 counters, expected 4 to 10"},
      {"a word for a counter", load + "cpu  1 2 x3 4\n" + cpu0,
       "counter 3 of the \"cpu\" line is not a count: 'x3'"},
      {"a negative counter", load + "cpu  1 -2 3 4\n" + cpu0,
       "counter 2 of the \"cpu\" line is not a count"},
      {"a counter past 2^64", load + "cpu  18446744073709551616 2 3 4\n" + cpu0,
       "counter 1 of the \"cpu\" line is not a count"},
      {"counters adding up past 2^64", load + "cpu  18446744073709551615 1 0 0\n" + cpu0,
       "add up past 2^64"},
      {"no per-CPU line", load + "cpu  1 2 3 4\nintr 5\n", "no per-CPU \"cpuN\" line"},
      {"two aggregate lines", load + "cpu  1 2 3 4\n" + cpu0 + "cpu  1 2 3 4\n", "two aggregate"},
  };
  for (const auto& c : cases) {
    auto got = parse_host_counters(c.text);
    ASSERT_FALSE(got.has_value()) << c.what << ": parsed";
    EXPECT_TRUE(got.error().message.starts_with(kNotProc)) << c.what << ": " << got.error().message;
    EXPECT_NE(got.error().message.find(c.why), std::string::npos)
        << c.what << ": " << got.error().message;
  }
}

TEST(ParseHostCounters, QuotesALongLineCut) {
  auto got = parse_host_counters(std::string(500, 'a') + "\n");
  ASSERT_FALSE(got.has_value());
  EXPECT_LT(got.error().message.size(), 200u) << got.error().message;
  EXPECT_NE(got.error().message.find("...'"), std::string::npos) << got.error().message;
}

model::HostSample counters(uint64_t busy, uint64_t total, int cpus) {
  model::HostSample s;
  s.busy_ticks = busy;
  s.total_ticks = total;
  s.cpus = cpus;
  return s;
}

struct BusyCase {
  const char* what;
  model::HostSample a;
  model::HostSample b;
  std::optional<double> want;
};

TEST(BusyCpusBetween, Table) {
  const BusyCase cases[] = {
      {"half of 4 CPUs busy", counters(1000, 4000, 4), counters(1200, 4400, 4), 2.0},
      {"all of 2 CPUs busy", counters(0, 100, 2), counters(200, 300, 2), 2.0},
      {"nothing busy", counters(50, 100, 8), counters(50, 900, 8), 0.0},
      {"iowait went backwards: at most every CPU", counters(0, 1000, 2), counters(300, 1200, 2),
       2.0},
      {"counters did not advance", counters(10, 100, 2), counters(10, 100, 2), std::nullopt},
      {"total went backwards (reboot)", counters(10, 100, 2), counters(20, 50, 2), std::nullopt},
      {"busy went backwards", counters(10, 100, 2), counters(5, 200, 2), std::nullopt},
  };
  for (const auto& c : cases) {
    auto got = busy_cpus_between(c.a, c.b);
    ASSERT_EQ(got.has_value(), c.want.has_value()) << c.what;
    if (c.want) {
      EXPECT_DOUBLE_EQ(*got, *c.want) << c.what;
    }
  }
}

}  // namespace
}  // namespace swarmform::usage
