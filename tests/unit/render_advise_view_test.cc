// `advise`'s answer as a person reads it (text like `plan`'s), as JSON and
// as Markdown for a pull request, from hand-built advice (advise_view_fixture.h).

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "reconciler/render/advise_view.h"
#include "support/text_lines.h"
#include "unit/advise_view_fixture.h"

namespace swarmform::render {
namespace {

using advise::Advice;
using advise::testing::history_advice;
using advise::testing::kGiB;
using advise::testing::kMiB;
using advise::testing::live_advice_that_does_not_fit;

using swarmform::testing::has;
using swarmform::testing::line_starting;
using swarmform::testing::line_with;
using swarmform::testing::lines_of;

/// The lines from the one starting with `start` up to the next blank line
/// or the next service ("~ ").
std::string block(const std::string& text, const std::string& start) {
  std::string out;
  bool in = false;
  for (const auto& l : lines_of(text)) {
    if (in && (l.empty() || l.rfind("~ ", 0) == 0)) break;
    if (!in && l.rfind(start, 0) == 0) in = true;
    if (in) out += l + "\n";
  }
  return out;
}

/// Advice where nothing changes: every service as declared, hosts fit.
Advice nothing_to_change() {
  Advice a = history_advice();
  for (auto& s : a.services) {
    s.sizing.limits = s.limits_before;
    s.sizing.reservations = s.reservations_before;
    s.sizing.starved = false;
    s.host_after = s.host_before;
  }
  a.placement.moves.clear();
  a.placement.before = a.placement.after;
  a.fixed.clear();
  a.notes.clear();
  return a;
}

// --- text -------------------------------------------------------------------

TEST(AdviseText, TitleSaysTheHistoryItRestsOn) {
  const std::string text = advise_text(history_advice(), Style{});
  EXPECT_EQ(lines_of(text).front(),
            "Advice from 1,442 windows over 7d 0h (2026-11-24 .. 2026-12-01) in "
            "/var/lib/swarmform/usage.db")
      << text;
  EXPECT_FALSE(has(text, "weak basis")) << text;
}

TEST(AdviseText, ALiveWindowIsAWeakBasisSaidLoudlyInYellow) {
  const std::string plain = advise_text(live_advice_that_does_not_fit(), Style{});
  const std::string first = lines_of(plain).front();
  EXPECT_EQ(first,
            "Advice from ONE live window of 60s — a weak basis: record a week with `usage --record` "
            "(or `agent --record-usage`) for advice you can trust")
      << plain;
  EXPECT_TRUE(has(lines_of(plain)[1], "holds 12 windows, fewer than the 60 advise needs")) << plain;

  const std::string coloured = advise_text(live_advice_that_does_not_fit(), Style{true});
  EXPECT_TRUE(has(lines_of(coloured).front(), "\x1b[33mAdvice from ONE live window")) << coloured;
}

TEST(AdviseText, AChangedServiceReadsLikeAPlanUpdateOldToNewWithItsReasons) {
  const std::string text = advise_text(history_advice(), Style{});
  const std::string api = block(text, "~ api");
  ASSERT_FALSE(api.empty()) << text;
  EXPECT_TRUE(has(lines_of(api)[0], "(restarts 2 tasks)")) << api;
  EXPECT_TRUE(has(api, "    limits.cpus: 1 → 0.35\n")) << api;
  EXPECT_TRUE(has(api, "    limits.memory: 512MiB → 620MiB\n")) << api;
  EXPECT_TRUE(has(api, "    reservations.cpus: none → 0.1\n")) << api;
  EXPECT_TRUE(has(api, "    reservations.memory: none → 256MiB\n")) << api;
  EXPECT_TRUE(has(api, "    host: kvm4 → kvm2\n")) << api;
  EXPECT_TRUE(has(api, "      cpu 1 → 0.35: p95 0.3 cores, plus a 15% margin.\n")) << api;

  // saleor's memory and reservations stay: only its CPU limit is listed.
  const std::string saleor = block(text, "~ saleor");
  EXPECT_TRUE(has(lines_of(saleor)[0], "starved")) << saleor;
  EXPECT_TRUE(has(saleor, "limits.cpus: 1 → 1.82")) << saleor;
  EXPECT_FALSE(has(saleor, "limits.memory")) << saleor;
  EXPECT_FALSE(has(saleor, "host:")) << saleor;
}

TEST(AdviseText, KeptServicesCompactlyWithTheirReasonAndTheUnchangedCounted) {
  const std::string text = advise_text(history_advice(), Style{});
  EXPECT_FALSE(has(text, "~ worker")) << text;
  EXPECT_FALSE(has(text, "~ web")) << text;
  const std::string kept = block(text, "Kept as declared: 2 services");
  ASSERT_FALSE(kept.empty()) << text;
  EXPECT_TRUE(has(kept, "  cron: not measured: no usage record names it.")) << kept;
  EXPECT_TRUE(has(kept, "  worker: 40 windows over 40m: too few to size from")) << kept;
  EXPECT_TRUE(has(text, "\n1 service unchanged.\n")) << text;
}

TEST(AdviseText, HostsBeforeAndAfterAgainstCapacityTheTargetAndTheBudgets) {
  const std::string text = advise_text(history_advice(), Style{});
  EXPECT_TRUE(has(text, "Hosts (as declared → as advised):")) << text;
  EXPECT_TRUE(has(line_with(text, "  HOST"), "P95 CPU (target 80%)")) << text;
  const std::string kvm4 = line_starting(text, "  kvm4  ");
  EXPECT_TRUE(has(kvm4, "4 CPUs, 16GiB")) << kvm4;
  EXPECT_TRUE(has(kvm4, "9.6 → 3.2 (240% → 80%)")) << kvm4;     // CPU limits
  EXPECT_TRUE(has(kvm4, "12GiB → 4GiB (75% → 25%)")) << kvm4;   // memory limits
  EXPECT_TRUE(has(kvm4, "2 / 4GiB → 1.2 / 3GiB")) << kvm4;      // reservations
  EXPECT_TRUE(has(kvm4, "2x / 1x")) << kvm4;                    // budgets
  EXPECT_TRUE(has(kvm4, "3.1 → 2.4 (78% → 60%)")) << kvm4;      // measured p95
  EXPECT_TRUE(has(kvm4, "no → yes")) << kvm4;
  const std::string kvm2 = line_starting(text, "  kvm2  ");
  EXPECT_TRUE(has(kvm2, "2 CPUs, 8GiB")) << kvm2;
  EXPECT_TRUE(has(kvm2, "0.5 → 1.1 (25% → 55%)")) << kvm2;
  EXPECT_TRUE(has(kvm2, "1GiB → 2.2GiB (13% → 28%)")) << kvm2;  // readable, as plan's host table
  EXPECT_FALSE(has(kvm2, "→ yes")) << kvm2;  // it fitted before too: one verdict
}

TEST(AdviseText, FitsIsGreenYesOrRedNo) {
  const std::string fits = advise_text(history_advice(), Style{true});
  EXPECT_TRUE(has(line_starting(fits, "  kvm4  "), "no → \x1b[32myes\x1b[0m")) << fits;
  const std::string not_fits = advise_text(live_advice_that_does_not_fit(), Style{true});
  EXPECT_TRUE(has(line_starting(not_fits, "  kvm4  "), "\x1b[31mno\x1b[0m")) << not_fits;
}

TEST(AdviseText, TheMoveWithItsReason) {
  const std::string text = advise_text(history_advice(), Style{});
  const std::string moves = block(text, "Moves:");
  ASSERT_FALSE(moves.empty()) << text;
  EXPECT_EQ(lines_of(moves)[1], "  api: kvm4 → kvm2") << moves;
  EXPECT_TRUE(has(lines_of(moves)[2], "moving api frees 0.7 CPUs of limits")) << moves;
}

TEST(AdviseText, NoPlacementFitsWithEveryWhyNotAndTheNumbers) {
  const Advice a = live_advice_that_does_not_fit();
  const std::string text = advise_text(a, Style{});
  const std::string no_fit = block(text, "No placement fits");
  ASSERT_FALSE(no_fit.empty()) << text;
  for (const auto& w : a.placement.why_not) EXPECT_TRUE(has(no_fit, "  " + w + "\n")) << no_fit;
  EXPECT_TRUE(has(no_fit,
                  "Measured demand: 9.6 CPUs at p95; the smallest total capacity that could hold "
                  "it at 80%: 12 CPUs."))
      << no_fit;
  EXPECT_FALSE(has(text, "Moves:")) << text;
  EXPECT_LT(text.find("Sized from use, but not written: no placement fits (below)."),
            text.find("~ saleor"))
      << text;
  EXPECT_EQ(lines_of(text).back(), "No placement fits: nothing to write.") << text;

  const std::string coloured = advise_text(a, Style{true});
  EXPECT_TRUE(has(coloured, "\x1b[31mNo placement fits\x1b[0m")) << coloured;
  EXPECT_TRUE(has(coloured, "\x1b[31m" + a.placement.why_not[0] + "\x1b[0m")) << coloured;
}

TEST(AdviseText, CannotRaiseInRedUnderItsService) {
  const Advice a = live_advice_that_does_not_fit();
  const std::string plain = advise_text(a, Style{});
  EXPECT_TRUE(has(block(plain, "~ saleor"), "    " + a.services[0].cannot_raise + "\n")) << plain;
  const std::string coloured = advise_text(a, Style{true});
  EXPECT_TRUE(has(coloured, "    \x1b[31m" + a.services[0].cannot_raise + "\x1b[0m\n")) << coloured;
}

TEST(AdviseText, WhatIfFixedLoadsAndNotes) {
  Advice a = history_advice();
  a.what_if = {"kvm2.cpus=4 (declared 2)"};
  const std::string text = advise_text(a, Style{});
  EXPECT_TRUE(has(text, "What if kvm2.cpus=4 (declared 2)")) << text;
  EXPECT_TRUE(has(text, "portainer_agent on kvm4: p95 0.05 CPUs (not declared)")) << text;
  EXPECT_TRUE(has(block(text, "Notes:"), "  2 usage records matched no declared service")) << text;
}

TEST(AdviseText, TheLastLineSaysWhatChangesOrNothingToChange) {
  EXPECT_EQ(lines_of(advise_text(history_advice(), Style{})).back(),
            "Advice: 2 to resize, 1 to move; 3 tasks restart.");
  const std::string text = advise_text(nothing_to_change(), Style{});
  EXPECT_EQ(lines_of(text).back(), "Nothing to change.") << text;
  EXPECT_FALSE(has(text, "~ ")) << text;
  EXPECT_FALSE(has(text, "Moves:")) << text;
  EXPECT_FALSE(has(text, "No placement fits")) << text;
}

TEST(AdviseText, PlainStyleHasNoEscapesAndNamesFromOutsideAreMadePrintable) {
  Advice a = history_advice();
  a.services[0].name = "api\x1b[2J";
  a.placement.moves[0].service = "api\x1b[2J";
  const std::string plain = advise_text(a, Style{});
  EXPECT_FALSE(has(plain, "\x1b")) << plain;  // NO_COLOR: not one escape
  EXPECT_TRUE(has(plain, "~ api\\x1b[2J")) << plain;
  EXPECT_TRUE(has(advise_text(history_advice(), Style{true}), "\x1b["));
}

TEST(AdviseText, WhatAdviseItselfAnswersReadsWhole) {
  const Advice a = advise::testing::advised_crowded();
  ASSERT_TRUE(a.placement.fits);
  ASSERT_EQ(a.placement.moves.size(), 1u);
  const std::string text = advise_text(a, Style{});
  const std::string& moved = a.placement.moves[0].service;
  const std::string service = block(text, "~ " + moved);
  EXPECT_TRUE(has(service, "    host: a → b\n")) << text;
  EXPECT_TRUE(has(service, "    limits.cpus: 1 → ")) << text;
  EXPECT_TRUE(has(block(text, "Moves:"), "  " + moved + ": a → b\n")) << text;
  // Before is as declared (1 + 1 CPUs of limits on a), not the advised
  // values where they are declared.
  const std::string host_a = line_starting(text, "  a  ");
  EXPECT_TRUE(has(host_a, "2 CPUs, 16GiB")) << text;
  EXPECT_TRUE(has(host_a, "2 → 0.92 (100% → 46%)")) << text;
  EXPECT_TRUE(has(host_a, "512MiB → 230MiB")) << text;
  EXPECT_TRUE(has(host_a, "0 / 0 → 0.4 / 100MiB")) << text;
  EXPECT_TRUE(has(host_a, "no → yes")) << text;
  EXPECT_TRUE(lines_of(text).back().starts_with("Advice: 2 to resize, 1 to move;")) << text;
}

// --- JSON -------------------------------------------------------------------

TEST(AdviseJson, BasisOfHistoryAndOfALiveWindow) {
  const nlohmann::json h = advise_json(history_advice());
  EXPECT_EQ(h["format_version"], "1.0");
  EXPECT_EQ(h["basis"]["kind"], "history");
  EXPECT_EQ(h["basis"]["windows"], 1442);
  EXPECT_EQ(h["basis"]["span_seconds"], 604800.0);
  EXPECT_EQ(h["basis"]["first_at"], "2026-11-24T00:00:00Z");
  EXPECT_EQ(h["basis"]["last_at"], "2026-12-01T00:00:00Z");
  EXPECT_EQ(h["basis"]["source"], "/var/lib/swarmform/usage.db");
  EXPECT_TRUE(h["basis"]["fallback_reason"].is_null());

  const nlohmann::json l = advise_json(live_advice_that_does_not_fit());
  EXPECT_EQ(l["basis"]["kind"], "live_window");
  EXPECT_EQ(l["basis"]["windows"], 1);
  EXPECT_TRUE(l["basis"]["first_at"].is_null());
  EXPECT_TRUE(l["basis"]["last_at"].is_null());
  EXPECT_TRUE(l["basis"]["fallback_reason"].get<std::string>().find("12 windows") != std::string::npos);
}

TEST(AdviseJson, ServicesOldAndNewValuesWithNullsForWhatIsNotSet) {
  const nlohmann::json j = advise_json(history_advice());
  ASSERT_EQ(j["services"].size(), 5u);
  const nlohmann::json& api = j["services"][0];
  EXPECT_EQ(api["name"], "api");
  EXPECT_EQ(api["host_before"], "kvm4");
  EXPECT_EQ(api["host_after"], "kvm2");
  EXPECT_EQ(api["tasks"], 2);
  EXPECT_EQ(api["limits_before"]["cpus"], 1.0);
  EXPECT_EQ(api["limits_before"]["memory_bytes"], 512 * kMiB);
  EXPECT_TRUE(api["limits_before"]["memory_bytes"].is_number_integer());
  EXPECT_EQ(api["limits_after"]["cpus"], 0.35);
  EXPECT_EQ(api["limits_after"]["memory_bytes"], 620 * kMiB);
  EXPECT_TRUE(api["reservations_before"]["cpus"].is_null());
  EXPECT_TRUE(api["reservations_before"]["memory_bytes"].is_null());
  EXPECT_EQ(api["reservations_after"]["cpus"], 0.1);
  EXPECT_EQ(api["measured"], true);
  EXPECT_EQ(api["kept"], false);
  EXPECT_EQ(api["changes"], true);
  EXPECT_EQ(api["figures"]["samples"], 1442);
  EXPECT_EQ(api["figures"]["cpu_p95"], 0.3);
  EXPECT_EQ(api["figures"]["memory_peak_bytes"], 539 * kMiB);
  EXPECT_TRUE(api["figures"]["memory_peak_bytes"].is_number_integer());
  EXPECT_EQ(api["reasons"].size(), 3u);
  EXPECT_TRUE(api["cannot_raise"].is_null());

  const nlohmann::json& cron = j["services"][1];
  EXPECT_EQ(cron["measured"], false);
  EXPECT_EQ(cron["kept"], true);
  EXPECT_TRUE(cron["figures"].is_null());
  EXPECT_EQ(cron["reasons"][0], "not measured: no usage record names it.");

  const nlohmann::json& saleor = j["services"][2];
  EXPECT_EQ(saleor["starved"], true);
  EXPECT_EQ(saleor["figures"]["throttled_share"], 0.4);
  EXPECT_EQ(saleor["figures"]["throttled_cpus"], 0.6);

  const nlohmann::json live = advise_json(live_advice_that_does_not_fit());
  EXPECT_EQ(live["services"][0]["cannot_raise"],
            "kvm4 cannot give it more: p95 3.9 of the 3.2 CPUs its 80% target allows.");
}

TEST(AdviseJson, MovesAndHostsBeforeAndAfterWithCapacityAndBudgets) {
  const nlohmann::json j = advise_json(history_advice());
  EXPECT_EQ(j["fits"], true);
  EXPECT_EQ(j["changes"], true);
  EXPECT_EQ(j["target_utilization"], 0.8);
  ASSERT_EQ(j["moves"].size(), 1u);
  EXPECT_EQ(j["moves"][0]["service"], "api");
  EXPECT_EQ(j["moves"][0]["from"], "kvm4");
  EXPECT_EQ(j["moves"][0]["to"], "kvm2");
  EXPECT_TRUE(j["moves"][0]["reason"].get<std::string>().find("frees 0.7 CPUs") != std::string::npos);

  ASSERT_EQ(j["hosts"].size(), 2u);
  const nlohmann::json& kvm4 = j["hosts"][0];
  EXPECT_EQ(kvm4["name"], "kvm4");
  EXPECT_EQ(kvm4["capacity"]["cpus"], 4.0);
  EXPECT_EQ(kvm4["capacity"]["memory_bytes"], 16 * kGiB);
  EXPECT_EQ(kvm4["cpu_budget"], 2.0);
  EXPECT_EQ(kvm4["memory_budget"], 1.0);
  EXPECT_EQ(kvm4["before"]["cpu_limits"], 9.6);
  EXPECT_EQ(kvm4["after"]["cpu_limits"], 3.2);
  EXPECT_EQ(kvm4["before"]["memory_limits_bytes"], 12 * kGiB);
  EXPECT_EQ(kvm4["after"]["memory_reservations_bytes"], 3 * kGiB);
  EXPECT_EQ(kvm4["before"]["cpu_p95"], 3.1);
  EXPECT_EQ(kvm4["before"]["fits"], false);
  EXPECT_EQ(kvm4["after"]["fits"], true);
  EXPECT_EQ(j["fixed"][0]["service"], "portainer_agent");
  EXPECT_EQ(j["fixed"][0]["why"], "not declared");
  EXPECT_EQ(j["notes"].size(), 1u);
  EXPECT_TRUE(j["why_not"].empty());
}

TEST(AdviseJson, WhenNothingFitsTheWhyNotAndTheDemand) {
  const Advice a = live_advice_that_does_not_fit();
  const nlohmann::json j = advise_json(a);
  EXPECT_EQ(j["fits"], false);
  EXPECT_EQ(j["changes"], false);  // nothing --write would write
  EXPECT_EQ(j["why_not"], a.placement.why_not);
  EXPECT_EQ(j["demand_p95_cpus"], 9.6);
  EXPECT_EQ(j["smallest_total_cpus"], 12.0);
  EXPECT_TRUE(j["moves"].empty());
}

TEST(AdviseJson, BytesAreExactIntegersAndNoFigureIsNaN) {
  Advice a = history_advice();
  a.services[0].sizing.limits.memory_bytes = 3 * (int64_t{1} << 40) + 1;
  a.services[0].figures.memory_peak = 3.0 * (int64_t{1} << 40) + 1;
  a.services[0].figures.cpu_max = std::numeric_limits<double>::quiet_NaN();
  const nlohmann::json j = advise_json(a);
  EXPECT_EQ(j["services"][0]["limits_after"]["memory_bytes"].get<int64_t>(), 3 * (int64_t{1} << 40) + 1);
  EXPECT_EQ(j["services"][0]["figures"]["memory_peak_bytes"].get<uint64_t>(),
            3 * (uint64_t{1} << 40) + 1);
  EXPECT_EQ(j["services"][0]["figures"]["cpu_max"], 0.0);
  EXPECT_EQ(j.dump().find("nan"), std::string::npos);
}

// --- Markdown ---------------------------------------------------------------

/// Pipes not escaped with a backslash: the cell separators of a table row.
size_t separators(const std::string& row) {
  size_t n = 0;
  for (size_t i = 0; i < row.size(); ++i) n += row[i] == '|' && (i == 0 || row[i - 1] != '\\');
  return n;
}

TEST(AdviseMarkdown, HeadingBasisAndATableOfTheServicesThatChange) {
  const std::string md = advise_markdown(history_advice());
  EXPECT_EQ(md.rfind("### swarmform advise\n\n", 0), 0u) << md;
  EXPECT_TRUE(has(md,
                  "**Advice from 1,442 windows over 7d 0h (2026-11-24 .. 2026-12-01) in "
                  "/var/lib/swarmform/usage.db.**"))
      << md;
  EXPECT_TRUE(has(md, "**Advice: 2 to resize, 1 to move; 3 tasks restart.**")) << md;
  EXPECT_TRUE(has(md, "| Service | Limits | Reservations | Host | Why |\n| --- | --- | --- | --- | --- |\n"))
      << md;
  const std::string api = line_with(md, "| api |");
  EXPECT_TRUE(has(api, "| cpus 1 → 0.35<br>memory 512MiB → 620MiB |")) << api;
  EXPECT_TRUE(has(api, "| cpus none → 0.1<br>memory none → 256MiB |")) << api;
  EXPECT_TRUE(has(api, "| kvm4 → kvm2 |")) << api;
  EXPECT_TRUE(has(api, "cpu 1 → 0.35: p95 0.3 cores, plus a 15% margin.<br>")) << api;
  EXPECT_EQ(separators(api), 6u) << api;
  EXPECT_TRUE(has(line_with(md, "| saleor (starved) |"), "| – |")) << md;  // reservations unchanged
  EXPECT_EQ(line_with(md, "| web |"), "") << md;
  EXPECT_TRUE(has(md, "2 services kept as declared:")) << md;
  EXPECT_TRUE(has(md, "1 service unchanged.")) << md;
}

TEST(AdviseMarkdown, HostsBeforeAfterAndTheMoves) {
  const std::string md = advise_markdown(history_advice());
  EXPECT_TRUE(has(md, "#### Hosts as declared → as advised\n\n| Host | Capacity |")) << md;
  const std::string kvm4 = line_starting(md, "| kvm4 |");
  EXPECT_TRUE(has(kvm4, "| 9.6 → 3.2 (240% → 80%) |")) << kvm4;
  EXPECT_TRUE(has(kvm4, "| 3.1 → 2.4 (78% → 60%) |")) << kvm4;
  EXPECT_TRUE(has(kvm4, "| no → yes |")) << kvm4;
  EXPECT_TRUE(has(md, "#### Moves\n\n- **api**: kvm4 → kvm2: kvm4 is over")) << md;
  EXPECT_FALSE(has(md, "Does not fit")) << md;
}

TEST(AdviseMarkdown, ALiveWindowIsQuotedAndDoesNotFitSaysWhy) {
  const Advice a = live_advice_that_does_not_fit();
  const std::string md = advise_markdown(a);
  EXPECT_TRUE(has(md, "> **Advice from ONE live window of 60s — a weak basis: record a week with "
                      "`usage --record`"))
      << md;
  EXPECT_TRUE(has(md, "**No placement fits: nothing to write.**")) << md;
  EXPECT_TRUE(has(line_starting(md, "| kvm4 |"), "| **no** |")) << md;
  const std::string section = md.substr(md.find("#### Does not fit"));
  for (const auto& w : a.placement.why_not) EXPECT_TRUE(has(section, "- " + w + "\n")) << section;
  EXPECT_TRUE(has(section, "- Measured demand: 9.6 CPUs at p95;")) << section;
  EXPECT_TRUE(has(line_with(md, "| saleor"), "**kvm4 cannot give it more:")) << md;
}

TEST(AdviseMarkdown, HostileNamesAreEscapedEverywhere) {
  Advice a = history_advice();
  a.services[0].name = "a|b";
  a.services[2].name = "<script>";
  a.services[0].host_after = "kvm_2|x";
  a.placement.moves[0].service = "a|b";
  a.placement.moves[0].to = "kvm_2|x";
  a.placement.after[1].name = a.placement.before[1].name = "kvm_2|x";
  a.basis.source = "/tmp/*usage*`.db";
  a.notes = {"record for <img src=x> matched nothing"};
  const std::string md = advise_markdown(a);
  EXPECT_FALSE(has(md, "<script>")) << md;
  for (size_t at = md.find('<'); at != std::string::npos; at = md.find('<', at + 1)) {
    const bool own = md.compare(at, 4, "<br>") == 0 || md.compare(at, 5, "<sub>") == 0 ||
                     md.compare(at, 6, "</sub>") == 0;  // the renderer's own
    if (own) continue;
    EXPECT_EQ(md[at - 1], '\\') << "an unescaped " << md.substr(at, 12) << " in\n" << md;
  }
  EXPECT_TRUE(has(md, "- record for \\<img src=x\\> matched nothing")) << md;
  EXPECT_TRUE(has(md, "| \\<script\\> (starved) |")) << md;
  const std::string row = line_with(md, "| a\\|b |");
  ASSERT_FALSE(row.empty()) << md;
  EXPECT_EQ(separators(row), 6u) << row;
  EXPECT_TRUE(has(row, "| kvm4 → kvm\\_2\\|x |")) << row;
  EXPECT_EQ(separators(line_starting(md, "| kvm\\_2\\|x |")), 9u) << md;
  EXPECT_TRUE(has(md, "- **a\\|b**: kvm4 → kvm\\_2\\|x")) << md;
  EXPECT_TRUE(has(md, "in /tmp/\\*usage\\*\\`.db.**")) << md;
}

}  // namespace
}  // namespace swarmform::render
