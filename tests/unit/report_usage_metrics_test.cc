// Measured use as the Prometheus text a textfile collector reads.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>

#include "reconciler/report/metrics.h"
#include "reconciler/report/usage_metrics.h"
#include "support/temp_dir.h"
#include "unit/usage_view_fixture.h"

namespace swarmform::report {
namespace {

using usage::testing::seed_usage;

bool has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// Every line is a comment or `name{labels} value` with a value Prometheus parses.
void expect_parses(const std::string& text) {
  static const std::regex sample(
      R"(^[a-z_][a-z0-9_]*(\{[^{}]*\})? -?[0-9]+(\.[0-9]+)?(e[+-][0-9]+)?$)");
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) continue;
    EXPECT_TRUE(std::regex_match(line, sample)) << "not a sample: " << line;
  }
}

TEST(UsageMetrics, FamiliesPerServiceAndHost) {
  std::string text = usage_metrics_text(seed_usage());
  expect_parses(text);
  for (const char* family :
       {"swarmform_usage_window_seconds", "swarmform_service_cpu_used_cores",
        "swarmform_service_cpu_limit_cores", "swarmform_service_cpu_throttled_ratio",
        "swarmform_service_memory_used_bytes", "swarmform_service_memory_limit_bytes",
        "swarmform_host_load1", "swarmform_host_busy_cpus", "swarmform_host_swarm_cpus"}) {
    EXPECT_TRUE(has(text, std::string("# HELP ") + family + " ")) << family;
    EXPECT_TRUE(has(text, std::string("# TYPE ") + family + " gauge\n")) << family;
  }
  EXPECT_TRUE(has(text, "\nswarmform_usage_window_seconds 10\n")) << text;
  EXPECT_TRUE(
      has(text, "\nswarmform_service_cpu_used_cores{service=\"ai-agents\",host=\"kvm4\"} 2.61\n"))
      << text;
  EXPECT_TRUE(has(text, "\nswarmform_service_cpu_limit_cores{service=\"redis\",host=\"kvm2\"} 2\n"))
      << text;
  EXPECT_TRUE(has(
      text, "\nswarmform_service_cpu_throttled_ratio{service=\"django-crm\",host=\"kvm4\"} 0.38\n"))
      << text;
  EXPECT_TRUE(has(
      text,
      "\nswarmform_service_memory_used_bytes{service=\"django-crm\",host=\"kvm4\"} 325058560\n"))
      << text;
  EXPECT_TRUE(has(
      text,
      "\nswarmform_service_memory_limit_bytes{service=\"django-crm\",host=\"kvm4\"} 536870912\n"))
      << text;
  // No limit: no limit line (not a 0 that reads as "limited to nothing").
  EXPECT_FALSE(has(text, "swarmform_service_cpu_limit_cores{service=\"ai-agents\"")) << text;
  EXPECT_FALSE(has(text, "swarmform_service_memory_limit_bytes{service=\"ai-agents\"")) << text;
  // Host figures only where measured: kvm2's key cannot exec, kvm3 did not answer.
  EXPECT_TRUE(has(text, "\nswarmform_host_load1{host=\"kvm4\"} 21.9\n")) << text;
  EXPECT_TRUE(has(text, "\nswarmform_host_busy_cpus{host=\"kvm4\"} 3.92\n")) << text;
  EXPECT_FALSE(has(text, "swarmform_host_load1{host=\"kvm2\"}")) << text;
  EXPECT_FALSE(has(text, "swarmform_host_busy_cpus{host=\"kvm2\"}")) << text;
  EXPECT_TRUE(has(text, "\nswarmform_host_swarm_cpus{host=\"kvm2\"} 1.24\n")) << text;
  EXPECT_FALSE(has(text, "host=\"kvm3\"")) << text;
}

TEST(UsageMetrics, LabelsEscapedAndNonFiniteValuesLeftOut) {
  usage::UsageReport r = seed_usage();
  r.services[0].name = "we\"ird\\name\nx";
  r.services[1].cpu_used = std::numeric_limits<double>::quiet_NaN();
  r.services[1].throttled_ratio = std::numeric_limits<double>::infinity();
  r.hosts[0].load1 = -std::numeric_limits<double>::infinity();
  std::string text = usage_metrics_text(r);
  expect_parses(text);
  EXPECT_TRUE(has(text, "{service=\"we\\\"ird\\\\name\\nx\",host=\"kvm4\"} 2.61\n")) << text;
  EXPECT_FALSE(has(text, "swarmform_service_cpu_used_cores{service=\"django-crm\"")) << text;
  EXPECT_FALSE(has(text, "swarmform_service_cpu_throttled_ratio{service=\"django-crm\"")) << text;
  EXPECT_TRUE(
      has(text, "swarmform_service_cpu_limit_cores{service=\"django-crm\",host=\"kvm4\"} 1\n"))
      << text;
  // The only load was not finite: the family is left out whole.
  EXPECT_FALSE(has(text, "swarmform_host_load1")) << text;
  for (const char* word : {"nan", "NaN", "inf", "Inf"})
    EXPECT_FALSE(has(text, std::string(" ") + word)) << text;
}

TEST(UsageMetrics, WrittenAsTheDriftMetricsFileIs) {
  testing::TempDir dir("sf-usage-metrics");
  const std::string path = dir / "usage.prom";
  const std::string text = usage_metrics_text(seed_usage());
  ASSERT_TRUE(write_metrics_text(path, text));
  std::ifstream in(path);
  std::stringstream read;
  read << in.rdbuf();
  EXPECT_EQ(read.str(), text);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  // A folder is refused, as for the drift metrics.
  EXPECT_FALSE(write_metrics_text(dir.path(), text));
}

}  // namespace
}  // namespace swarmform::report
