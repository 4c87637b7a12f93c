// `usage` as a person reads it (the table per host, the host line, the CPU
// bar) and as JSON, live and history, from the seed's story as a value.

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/render/usage_view.h"
#include "support/text_lines.h"
#include "unit/usage_view_fixture.h"

namespace swarmform::render {
namespace {

using usage::testing::kGiB;
using usage::testing::kMiB;
using usage::testing::seed_history;
using usage::testing::seed_usage;

using swarmform::testing::has;
using swarmform::testing::line_with;
using swarmform::testing::lines_of;

/// Characters (UTF-8 code points) on a line.
size_t code_points(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

size_t count(const std::string& s, const std::string& glyph) {
  size_t n = 0;
  for (size_t at = s.find(glyph); at != std::string::npos; at = s.find(glyph, at + glyph.size()))
    ++n;
  return n;
}

const usage::HostUsage& host(const usage::UsageReport& r, const std::string& name) {
  for (const auto& h : r.hosts) {
    if (h.name == name) return h;
  }
  throw std::logic_error("no host " + name);
}

TEST(UsageText, RowsInTheReportsOrderWithUseLimitsAndFlags) {
  std::string text = usage_text(seed_usage(), Style{}, true);
  ASSERT_TRUE(has(text, "kvm4  4 CPUs, 16GiB")) << text;
  EXPECT_TRUE(has(line_with(text, "SERVICE"), "TASKS")) << text;
  size_t ai = text.find("ai-agents"), crm = text.find("django-crm"), cms = text.find("wagtail-cms");
  ASSERT_NE(ai, std::string::npos);
  EXPECT_LT(ai, crm);  // by CPU used, as the report is
  EXPECT_LT(crm, cms);

  std::string agents = line_with(text, "ai-agents  ");
  EXPECT_TRUE(has(agents, "2.61 / -")) << agents;
  EXPECT_TRUE(has(agents, "1.5GiB / -")) << agents;
  EXPECT_TRUE(has(agents, "no limit")) << agents;
  std::string crm_row = line_with(text, "django-crm  ");
  EXPECT_TRUE(has(crm_row, "2 (+1 partial)")) << crm_row;
  EXPECT_TRUE(has(crm_row, "1.00 / 1 (100%)")) << crm_row;
  EXPECT_TRUE(has(crm_row, "38%")) << crm_row;
  EXPECT_TRUE(has(crm_row, "310MiB / 512MiB")) << crm_row;
  EXPECT_TRUE(has(crm_row, "starved")) << crm_row;
  EXPECT_FALSE(has(crm_row, "idle")) << crm_row;
  std::string cms_row = line_with(text, "wagtail-cms  ");
  EXPECT_TRUE(has(cms_row, "0.01 / 1 (1%)")) << cms_row;
  EXPECT_TRUE(has(cms_row, "~100MiB / 256MiB")) << cms_row;  // measured bytes: about one decimal
  EXPECT_TRUE(has(cms_row, "idle")) << cms_row;
  std::string redis = line_with(text, "redis  ");
  EXPECT_TRUE(has(redis, "1.24 / 2 (62%)")) << redis;
  EXPECT_TRUE(has(redis, "2%")) << redis;
  EXPECT_EQ(line_with(text, "flags"), "");  // a flag column only, no stray words

  // Without a CPU limit there is no quota to be throttled by.
  EXPECT_TRUE(has(agents, " -  ")) << agents;
}

TEST(UsageText, SeveralFlagsAreCommaSeparatedAndColouredLikePlan) {
  usage::UsageReport r = seed_usage();
  r.services[0].starved = true;  // no limit and starved (a stale limit read): both said
  std::string plain = usage_text(r, Style{}, true);
  EXPECT_TRUE(has(line_with(plain, "ai-agents  "), "no limit, starved")) << plain;

  std::string coloured = usage_text(seed_usage(), Style{true}, true);
  EXPECT_TRUE(has(coloured, "\x1b[31mstarved\x1b[0m")) << coloured;
  EXPECT_TRUE(has(coloured, "\x1b[33mno limit\x1b[0m")) << coloured;
  EXPECT_TRUE(has(coloured, "\x1b[2midle\x1b[0m")) << coloured;
}

TEST(UsageText, HostLineNotesAndTheHostsThatCouldNotBeMeasured) {
  std::string text = usage_text(seed_usage(), Style{}, true);
  EXPECT_TRUE(has(text, "  load 21.90 (1m) · busy 3.9 of 4 CPUs · outside swarm 0.3 CPUs (8%)\n"))
      << text;
  EXPECT_TRUE(
      has(text, "  1 task started or stopped inside the window: not measured (django-crm)\n"))
      << text;
  EXPECT_TRUE(has(text, "django-crm: its limit cut off about 0.42 CPUs of demand")) << text;
  EXPECT_TRUE(has(text, "wagtail-cms: 2 OOM kills")) << text;
  EXPECT_FALSE(has(text, "django-crm: 0 OOM")) << text;

  // kvm2's key is restricted to the engine: its services still, its own figures not.
  EXPECT_TRUE(has(text, "kvm2  2 CPUs, 4GiB")) << text;
  EXPECT_TRUE(has(
      text, "  host figures unavailable: exec refused: the SSH key is restricted to the engine\n"))
      << text;
  EXPECT_TRUE(has(text, "outside swarm unknown: host figures unavailable")) << text;
  // kvm3 did not answer: one line, nothing measured.
  EXPECT_TRUE(has(text, "\nkvm3: not measured: ssh: connection refused\n")) << text;
  EXPECT_FALSE(has(text, "kvm3  2 CPUs")) << text;
}

TEST(UsageText, ControlCharactersFromTheEngineAreEscaped) {
  usage::UsageReport r = seed_usage();
  r.services[0].name = "evil\x1b[2J";
  r.hosts[2].error = "bad\x1b]0;title\x07";
  std::string text = usage_text(r, Style{}, true);
  EXPECT_FALSE(has(text, "\x1b")) << text;
  EXPECT_TRUE(has(text, "evil\\x1b[2J")) << text;
}

TEST(CpuBar, ExactlyWidthCellsTheBiggestServiceItsShareAndALegend) {
  usage::UsageReport r = seed_usage();
  std::vector<std::string> bar = lines_of(cpu_bar(r, host(r, "kvm4"), 40, Style{}, true));
  ASSERT_EQ(bar.size(), 2u);
  EXPECT_EQ(code_points(bar[0]), 40u) << bar[0];
  // ai-agents 2.61 of 4 CPUs: 26.1 of 40 cells.
  EXPECT_GE(count(bar[0], "█"), 25u) << bar[0];
  EXPECT_LE(count(bar[0], "█"), 27u) << bar[0];
  EXPECT_EQ(count(bar[0], "▓"), 10u) << bar[0];   // django-crm 1.0
  EXPECT_EQ(count(bar[0], "▚"), 3u) << bar[0];    // outside swarm 0.3
  EXPECT_EQ(bar[0].rfind("█", 0), 0u) << bar[0];  // biggest first
  EXPECT_EQ(bar[1],
            "█ ai-agents 2.61  ▓ django-crm 1  ▒ wagtail-cms 0.01  ▚ outside 0.3  · free 0.08");
}

TEST(CpuBar, RestOfSwarmAndAnOversubscribedHostStillFitTheWidth) {
  usage::UsageReport r = seed_usage();
  usage::ServiceUsage extra = r.services[2];
  extra.name = "metabase";
  extra.cpu_used = 0.4;
  r.services.push_back(extra);
  r.hosts[0].swarm_cpus = 4.02;
  r.hosts[0].busy_cpus = 4.0;  // the kernel's figure lags the containers': swarm > busy
  r.hosts[0].other_cpus = 0;
  for (int width = 1; width <= 120; ++width) {
    std::vector<std::string> bar = lines_of(cpu_bar(r, host(r, "kvm4"), width, Style{}, true));
    ASSERT_EQ(code_points(bar[0]), static_cast<size_t>(width)) << bar[0];
  }
  std::vector<std::string> bar = lines_of(cpu_bar(r, host(r, "kvm4"), 48, Style{}, true));
  EXPECT_TRUE(has(bar[1], "▒ metabase 0.4  ░ other swarm 0.01")) << bar[1];  // wagtail-cms the 4th
  EXPECT_TRUE(has(bar[1], "· free 0")) << bar[1];
}

TEST(CpuBar, ServicesLeftOutByTargetAreTheRestOfSwarm) {
  usage::UsageReport r = seed_usage();
  std::erase_if(r.services, [](const usage::ServiceUsage& s) { return s.name != "django-crm"; });
  std::vector<std::string> bar = lines_of(cpu_bar(r, host(r, "kvm4"), 40, Style{}, false));
  EXPECT_EQ(bar[0].size(), 40u);
  EXPECT_EQ(bar[1], "# django-crm 1  - other swarm 2.62  o outside 0.3  . free 0.08");
}

TEST(UsageText, LoadWithoutBusyCpusSaysWhy) {
  usage::UsageReport r = seed_usage();
  r.hosts[0].busy_cpus.reset();
  r.hosts[0].other_cpus.reset();
  r.hosts[0].host_figures_unavailable = "the CPU counters did not advance";
  std::string text = usage_text(r, Style{}, true);
  EXPECT_TRUE(
      has(text, "  load 21.90 (1m) · busy CPUs unavailable: the CPU counters did not advance\n"))
      << text;
}

TEST(CpuBar, AsciiWithoutUnicodeAndUnknownOutsideShare) {
  usage::UsageReport r = seed_usage();
  std::string text = usage_text(r, Style{}, false);
  for (char c : text) ASSERT_LT(static_cast<unsigned char>(c), 0x80) << text;
  EXPECT_TRUE(has(text, "load 21.90 (1m), busy 3.9 of 4 CPUs, outside swarm 0.3 CPUs (8%)"))
      << text;
  std::vector<std::string> bar = lines_of(cpu_bar(r, host(r, "kvm4"), 40, Style{}, false));
  EXPECT_EQ(bar[0].size(), 40u);
  EXPECT_EQ(bar[0].find_first_not_of("#=+o."), std::string::npos) << bar[0];
  EXPECT_EQ(bar[0].substr(0, 25), std::string(25, '#')) << bar[0];
  EXPECT_EQ(bar[1],
            "# ai-agents 2.61  = django-crm 1  + wagtail-cms 0.01  o outside 0.3  . free 0.08");

  // kvm2: redis 1.24 of 2 CPUs, the rest free or outside swarm, which is unknown.
  std::vector<std::string> kvm2 = lines_of(cpu_bar(r, host(r, "kvm2"), 20, Style{}, false));
  EXPECT_EQ(kvm2[0], std::string(12, '#') + std::string(8, '.'));
  EXPECT_EQ(kvm2[1],
            "# redis 1.24  . free or outside swarm 0.76  (outside swarm unknown: host figures "
            "unavailable)");
}

TEST(UsageJson, FieldsAndNulls) {
  nlohmann::json j = usage_json(seed_usage());
  EXPECT_EQ(j["format_version"], "1.0");
  EXPECT_EQ(j["window_seconds"], 10.0);
  ASSERT_EQ(j["hosts"].size(), 3u);
  const auto& kvm4 = j["hosts"][0];
  EXPECT_EQ(kvm4["name"], "kvm4");
  EXPECT_EQ(kvm4["cpus"], 4.0);
  EXPECT_EQ(kvm4["memory_bytes"], 16 * kGiB);
  EXPECT_EQ(kvm4["load1"], 21.9);
  EXPECT_EQ(kvm4["busy_cpus"], 3.92);
  EXPECT_EQ(kvm4["other_cpus"], 0.30);
  EXPECT_EQ(kvm4["cpus_seen"], 4);
  EXPECT_TRUE(kvm4["unavailable"].is_null());
  EXPECT_TRUE(kvm4["error"].is_null());
  const auto& kvm2 = j["hosts"][1];
  EXPECT_TRUE(kvm2["load1"].is_null());
  EXPECT_TRUE(kvm2["busy_cpus"].is_null());
  EXPECT_TRUE(kvm2["other_cpus"].is_null());
  EXPECT_EQ(kvm2["swarm_cpus"], 1.24);
  EXPECT_EQ(kvm2["unavailable"], "exec refused: the SSH key is restricted to the engine");
  EXPECT_EQ(j["hosts"][2]["error"], "ssh: connection refused");

  ASSERT_EQ(j["services"].size(), 4u);
  const auto& ai = j["services"][0];
  EXPECT_EQ(ai["name"], "ai-agents");
  EXPECT_EQ(ai["host"], "kvm4");
  EXPECT_EQ(ai["cpu_used"], 2.61);
  EXPECT_TRUE(ai["cpu_limit"].is_null());
  EXPECT_TRUE(ai["memory_limit_bytes"].is_null());
  EXPECT_TRUE(ai["oom_kills"].is_null());
  EXPECT_EQ(ai["flags"], nlohmann::json::array({"no limit"}));
  const auto& crm = j["services"][1];
  EXPECT_EQ(crm["tasks"], 2);
  EXPECT_EQ(crm["partial_tasks"], 1);
  EXPECT_EQ(crm["cpu_limit"], 1.0);
  EXPECT_EQ(crm["throttled_ratio"], 0.38);
  EXPECT_EQ(crm["throttled_cpus"], 0.42);
  EXPECT_EQ(crm["memory_used_bytes"], 310 * kMiB);
  EXPECT_EQ(crm["memory_limit_bytes"], 512 * kMiB);
  EXPECT_EQ(crm["oom_kills"], 0);
  EXPECT_EQ(crm["flags"], nlohmann::json::array({"starved"}));
  EXPECT_EQ(j["services"][2]["flags"], nlohmann::json::array({"idle"}));
}

TEST(HistoryText, PercentilesThrottledShareAndLimitsPerHost) {
  std::string text = history_text(seed_history(), 7 * 86400, Style{});
  EXPECT_TRUE(
      has(lines_of(text)[0],
          "history over 7d: 2016 windows from 2026-11-30T00:53:20Z to 2026-12-07T00:43:20Z"))
      << text;
  EXPECT_LT(text.find("\nkvm4\n"), text.find("\nkvm2\n")) << text;
  std::string header = line_with(text, "SERVICE");
  size_t at = 0;
  for (const char* column :
       {"SAMPLES", "CPU p50/p95/max", "MEMORY p50/p95/max", "THROTTLED", "LIMIT cpu/memory"}) {
    EXPECT_LT(at, header.find(column)) << header;
    at = header.find(column);
  }
  std::string ai = line_with(text, "ai-agents  ");
  EXPECT_TRUE(has(ai, "2016")) << ai;
  EXPECT_TRUE(has(ai, "0.90 / 2.40 / 2.61")) << ai;
  EXPECT_TRUE(has(ai, "1GiB / 1.5GiB / 2GiB")) << ai;
  EXPECT_TRUE(has(ai, "- / -")) << ai;
  std::string crm = line_with(text, "django-crm  ");
  EXPECT_TRUE(has(crm, "0.98 / 1.00 / 1.00")) << crm;
  EXPECT_TRUE(has(crm, "300MiB / ~310MiB / 512MiB")) << crm;
  EXPECT_TRUE(has(crm, "41%")) << crm;
  EXPECT_TRUE(has(crm, "1 / 512MiB")) << crm;
  EXPECT_TRUE(has(text, "django-crm: 3 OOM kills")) << text;
  EXPECT_TRUE(has(line_with(text, "redis  "), "2 / -")) << text;

  EXPECT_TRUE(has(history_text({}, 3600, Style{}), "history over 1h: no recorded windows"));
}

TEST(HistoryJson, FiguresDatesAndNulls) {
  nlohmann::json j = history_json(seed_history(), 7 * 86400);
  EXPECT_EQ(j["format_version"], "1.0");
  EXPECT_EQ(j["since_seconds"], 7 * 86400);
  ASSERT_EQ(j["services"].size(), 3u);
  const auto& ai = j["services"][0];
  EXPECT_EQ(ai["name"], "ai-agents");
  EXPECT_EQ(ai["host"], "kvm4");
  EXPECT_EQ(ai["samples"], 2016);
  EXPECT_EQ(ai["first_at"], "2026-11-30T00:53:20Z");
  EXPECT_EQ(ai["last_at"], "2026-12-07T00:43:20Z");
  EXPECT_EQ(ai["cpu"]["p50"], 0.9);
  EXPECT_EQ(ai["cpu"]["p95"], 2.4);
  EXPECT_EQ(ai["cpu"]["max"], 2.61);
  EXPECT_EQ(ai["memory_bytes"]["p95"], 3 * kGiB / 2);
  EXPECT_TRUE(ai["cpu_limit"].is_null());
  EXPECT_TRUE(ai["memory_limit_bytes"].is_null());
  EXPECT_TRUE(ai["oom_kills"].is_null());
  EXPECT_EQ(ai["tasks"], 1);
  const auto& crm = j["services"][1];
  EXPECT_EQ(crm["memory_bytes"]["p95"], 310 * kMiB + 1);  // whole bytes
  EXPECT_EQ(crm["throttled_share"], 0.41);
  EXPECT_EQ(crm["cpu_limit"], 1.0);
  EXPECT_EQ(crm["memory_limit_bytes"], 512 * kMiB);
  EXPECT_EQ(crm["oom_kills"], 3);
}

/// Sets (or unsets, for nullopt) environment variables and restores them.
class EnvGuard {
 public:
  EnvGuard(std::initializer_list<std::pair<const char*, std::optional<std::string>>> vars) {
    for (const auto& [name, value] : vars) {
      const char* old = std::getenv(name);
      saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
      if (value)
        setenv(name, value->c_str(), 1);
      else
        unsetenv(name);
    }
  }
  ~EnvGuard() {
    for (const auto& [name, value] : saved_) {
      if (value)
        setenv(name.c_str(), value->c_str(), 1);
      else
        unsetenv(name.c_str());
    }
  }
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST(UnicodeOutput, FirstSetLocaleVariableAndNoColor) {
  const std::optional<std::string> unset;
  {
    EnvGuard env{
        {"LC_ALL", unset}, {"LC_CTYPE", unset}, {"LANG", "en_US.UTF-8"}, {"NO_COLOR", unset}};
    EXPECT_TRUE(unicode_output());
  }
  {
    EnvGuard env{{"LC_ALL", unset}, {"LC_CTYPE", "C.utf8"}, {"LANG", "C"}, {"NO_COLOR", unset}};
    EXPECT_TRUE(unicode_output());
  }
  {
    EnvGuard env{
        {"LC_ALL", "C"}, {"LC_CTYPE", "C.UTF-8"}, {"LANG", "en_US.UTF-8"}, {"NO_COLOR", unset}};
    EXPECT_FALSE(unicode_output());  // LC_ALL overrides the others
  }
  {
    EnvGuard env{{"LC_ALL", ""}, {"LC_CTYPE", ""}, {"LANG", "de_DE.Utf-8"}, {"NO_COLOR", unset}};
    EXPECT_TRUE(unicode_output());  // empty is unset
  }
  {
    EnvGuard env{{"LC_ALL", unset}, {"LC_CTYPE", unset}, {"LANG", unset}, {"NO_COLOR", unset}};
    EXPECT_FALSE(unicode_output());
  }
  {
    EnvGuard env{{"LC_ALL", "en_US.UTF-8"}, {"NO_COLOR", "1"}};
    EXPECT_FALSE(unicode_output());
  }
}

}  // namespace
}  // namespace swarmform::render
