#include "reconciler/render/advise_view.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/model/quantity.h"
#include "reconciler/plan/wording.h"
#include "reconciler/render/markdown_escape.h"
#include "reconciler/render/table.h"
#include "reconciler/util/file.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::render {
namespace {

using advise::Advice;
using advise::Basis;
using advise::HostTotals;
using advise::ServiceAdvice;
using model::cpus_or_none;
using model::format_cpus;
using model::memory_or_none;

/// How a string from outside is made safe for the output at hand:
/// printable() on a terminal, markdown_escape() in Markdown.
using Quote = std::function<std::string(const std::string&)>;

std::string quote_text(const std::string& s) { return printable(s); }

/// 1442 -> "1,442".
std::string thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

/// A span of recorded time in its two largest units: "7d 0h", "1h 30m",
/// "5m 0s", "45s".
std::string span_words(double seconds) {
  const int64_t s = std::isfinite(seconds) && seconds > 0
                        ? static_cast<int64_t>(std::min(seconds, 9.0e15) + 0.5)
                        : 0;
  if (s >= 86400) return std::to_string(s / 86400) + "d " + std::to_string(s % 86400 / 3600) + "h";
  if (s >= 3600) return std::to_string(s / 3600) + "h " + std::to_string(s % 3600 / 60) + "m";
  if (s >= 60) return std::to_string(s / 60) + "m " + std::to_string(s % 60) + "s";
  return std::to_string(s) + "s";
}

/// Measured cores (a double) to the hundredth, printed as a declared value
/// would be: "2.4", "0.35", "12".
std::string cores(double v) {
  if (!std::isfinite(v)) return "?";
  const double hundredths = std::round(std::clamp(v, -9.0e7, 9.0e7) * 100);
  return format_cpus(static_cast<int64_t>(hundredths) * (model::kNano / 100));
}

/// numerator / denominator as a whole percentage, "240%"; "-" without a
/// denominator.
std::string percent_of(int64_t numerator, int64_t denominator) {
  if (denominator <= 0) return "-";
  const int64_t billionths = model::ratio_nano(numerator, denominator);
  return std::to_string((billionths + 5'000'000) / 10'000'000) + "%";
}

std::string percent_of(double cores_used, int64_t capacity_nano) {
  if (capacity_nano <= 0 || !std::isfinite(cores_used)) return "-";
  return std::to_string(
             std::llround(std::clamp(cores_used, 0.0, 9.0e9) * 1e9 * 100 / static_cast<double>(capacity_nano))) +
         "%";
}

std::string target_words(double target) {
  if (!std::isfinite(target)) return "?";
  return std::to_string(std::llround(std::clamp(target, 0.0, 1e6) * 100)) + "%";
}

/// A host's total of bytes, for the hosts table: "0" for nothing, else
/// readable ("2.2GiB"), as plan's host table prints them; a service's
/// declared values stay exact (memory_or_none), as YAML holds them.
std::string memory_total(int64_t bytes) { return bytes == 0 ? "0" : model::memory_readable(bytes); }

std::string cpus_words(int64_t nano) {
  return format_cpus(nano) + (nano == model::kNano ? " CPU" : " CPUs");
}

// --- the basis --------------------------------------------------------------

bool weak(const Basis& b) { return b.kind == Basis::Kind::live_window; }

/// "Advice from 1,442 windows over 7d 0h (2026-11-24 .. 2026-12-01) in
/// /var/lib/swarmform/usage.db", or the live window's warning.
std::string basis_sentence(const Basis& b, const Quote& quote) {
  if (weak(b)) {
    return "Advice from ONE live window of " + cores(b.span_seconds) +
           "s — a weak basis: record a week with `usage --record` (or `agent --record-usage`) for "
           "advice you can trust";
  }
  std::string out = "Advice from " + thousands(b.windows) + (b.windows == 1 ? " window" : " windows") +
                    " over " + span_words(b.span_seconds);
  if (b.first_at_unix > 0 && b.last_at_unix > 0) {
    out += " (" + rfc3339_utc(b.first_at_unix).substr(0, 10) + " .. " +
           rfc3339_utc(b.last_at_unix).substr(0, 10) + ")";
  }
  if (!b.source.empty()) out += " in " + quote(b.source);
  return out;
}

// --- services ---------------------------------------------------------------

struct FieldChange {
  std::string field;
  std::string before;
  std::string after;
};

std::string host_words(const std::string& host) { return host.empty() ? "(no host)" : host; }

/// The declared values the advice changes, in the order `plan` lists them,
/// the host last; a value that reads the same both ways is left out.
std::vector<FieldChange> field_changes(const ServiceAdvice& s, const Quote& quote) {
  std::vector<FieldChange> out;
  auto add = [&out](std::string field, std::string before, std::string after) {
    if (before != after) out.push_back({std::move(field), std::move(before), std::move(after)});
  };
  add("limits.cpus", cpus_or_none(s.limits_before.nano_cpus), cpus_or_none(s.sizing.limits.nano_cpus));
  add("limits.memory", memory_or_none(s.limits_before.memory_bytes),
      memory_or_none(s.sizing.limits.memory_bytes));
  add("reservations.cpus", cpus_or_none(s.reservations_before.nano_cpus),
      cpus_or_none(s.sizing.reservations.nano_cpus));
  add("reservations.memory", memory_or_none(s.reservations_before.memory_bytes),
      memory_or_none(s.sizing.reservations.memory_bytes));
  if (s.moves()) add("host", quote(host_words(s.host_before)), quote(host_words(s.host_after)));
  return out;
}

/// Printed in full: it changes, or its host cannot give it what it needs.
bool shown(const ServiceAdvice& s) { return s.changes() || !s.cannot_raise.empty(); }

bool kept_only(const ServiceAdvice& s) { return !shown(s) && s.sizing.kept; }

/// "Advice: 3 to resize, 1 to move; 4 tasks restart.", "Nothing to
/// change.", or why nothing can be written.
std::string summary(const Advice& a) {
  if (!a.placement.fits) return "No placement fits: nothing to write.";
  if (!a.has_changes()) return "Nothing to change.";
  uint64_t resize = 0, move = 0, tasks = 0;
  for (const auto& s : a.services) {
    if (s.limits_change() || s.reservations_change()) ++resize;
    if (s.moves()) ++move;
    if (s.changes()) tasks += s.tasks;
  }
  return "Advice: " + std::to_string(resize) + " to resize, " + std::to_string(move) + " to move; " +
         plan::plural(tasks, "task restarts.", "tasks restart.");
}

std::string service_block(const ServiceAdvice& s, const Style& style) {
  std::string out = style.bold(style.yellow("~ " + printable(s.name)));
  const std::string marker =
      "(" + (s.changes() ? "restarts " + plan::plural(s.tasks, "task", "tasks") : std::string("no change")) +
      ")";
  out += "  " + (s.changes() ? style.yellow(marker) : style.dim(marker));
  if (s.sizing.starved) out += "  " + style.red("starved");
  out += "\n";
  for (const auto& f : field_changes(s, quote_text))
    out += "    " + f.field + ": " + f.before + " → " + f.after + "\n";
  if (!s.cannot_raise.empty()) out += "    " + style.red(printable(s.cannot_raise)) + "\n";
  for (const auto& r : s.sizing.reasons) out += "      " + style.dim(printable(r)) + "\n";
  return out;
}

// --- hosts ------------------------------------------------------------------

/// "9.6 → 3.2 (240% → 80%)", or "3.2 (80%)" when it does not change.
std::string against_capacity(const std::function<std::string(int64_t)>& format, int64_t before,
                             int64_t after, int64_t capacity) {
  if (before == after) return format(after) + " (" + percent_of(after, capacity) + ")";
  return format(before) + " → " + format(after) + " (" + percent_of(before, capacity) + " → " +
         percent_of(after, capacity) + ")";
}

std::string p95_cell(const HostTotals& b, const HostTotals& a) {
  if (cores(b.cpu_p95) == cores(a.cpu_p95))
    return cores(a.cpu_p95) + " (" + percent_of(a.cpu_p95, a.cpu_nano) + ")";
  return cores(b.cpu_p95) + " → " + cores(a.cpu_p95) + " (" + percent_of(b.cpu_p95, a.cpu_nano) +
         " → " + percent_of(a.cpu_p95, a.cpu_nano) + ")";
}

std::string reserved_cell(const HostTotals& b, const HostTotals& a) {
  auto both = [](const HostTotals& t) {
    return format_cpus(t.cpu_reservations_nano) + " / " + memory_total(t.memory_reservations_bytes);
  };
  return both(b) == both(a) ? both(a) : both(b) + " → " + both(a);
}

std::string budget_cell(const HostTotals& t) {
  return format_cpus(t.cpu_budget) + "x / " + format_cpus(t.memory_budget) + "x";
}

std::string capacity_cell(const HostTotals& t) {
  return cpus_words(t.cpu_nano) + ", " + memory_total(t.memory_bytes);
}

std::string yes_no(bool b) { return b ? "yes" : "no"; }

/// The cells of one host's row, before → after; `paint` colours the fits
/// verdict (after).
std::vector<std::string> host_row(const HostTotals& b, const HostTotals& a, const Quote& quote,
                                  const std::function<std::string(bool, const std::string&)>& paint) {
  auto cpus = [](int64_t n) { return format_cpus(n); };
  std::string fits = paint(a.fits, yes_no(a.fits));
  if (b.fits != a.fits) fits = yes_no(b.fits) + " → " + fits;
  return {quote(a.name),
          capacity_cell(a),
          against_capacity(cpus, b.cpu_limits_nano, a.cpu_limits_nano, a.cpu_nano),
          against_capacity(memory_total, b.memory_limits_bytes, a.memory_limits_bytes, a.memory_bytes),
          reserved_cell(b, a),
          budget_cell(a),
          p95_cell(b, a),
          fits};
}

std::vector<std::string> host_header(const Advice& a) {
  return {"HOST",          "CAPACITY", "CPU LIMITS", "MEMORY LIMITS", "RESERVED cpu/memory",
          "BUDGET cpu/memory", "P95 CPU (target " + target_words(a.target_utilization) + ")", "FITS"};
}

/// A host as declared now and as advised.
struct HostPair {
  const HostTotals* before;
  const HostTotals* after;
};

const HostTotals* named(const std::vector<HostTotals>& hosts, const std::string& name) {
  for (const auto& t : hosts) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

/// In the hosts' order (placement.before's): before is the declared values
/// on the declared hosts (Advice::declared_hosts), else, for advice that
/// lacks them, placement.before; after is placement.after.
std::vector<HostPair> host_pairs(const Advice& a) {
  std::vector<HostPair> out;
  for (const auto& t : a.placement.before) {
    const HostTotals* before = named(a.declared_hosts, t.name);
    const HostTotals* after = named(a.placement.after, t.name);
    out.push_back({before ? before : &t, after ? after : &t});
  }
  return out;
}

std::string demand_sentence(const Advice& a) {
  return "Measured demand: " + cores(a.placement.demand_p95_cpus) +
         " CPUs at p95; the smallest total capacity that could hold it at " +
         target_words(a.target_utilization) + ": " + cores(a.placement.smallest_total_cpus) + " CPUs.";
}

std::string fixed_sentence(const advise::FixedLoad& f, const Quote& quote) {
  return quote(f.service) + " on " + quote(f.host) + ": p95 " + cores(f.cpu_p95) + " CPUs (" +
         quote(f.why) + ")";
}

// --- JSON helpers -----------------------------------------------------------

nlohmann::json cores_or_null(const std::optional<int64_t>& nano) {
  return nano && *nano > 0 ? nlohmann::json(static_cast<double>(*nano) / model::kNano)
                           : nlohmann::json(nullptr);
}

nlohmann::json bytes_or_null(const std::optional<int64_t>& bytes) {
  return bytes && *bytes > 0 ? nlohmann::json(*bytes) : nlohmann::json(nullptr);
}

nlohmann::json resources(const model::ResourceSpec& r) {
  return {{"cpus", cores_or_null(r.nano_cpus)}, {"memory_bytes", bytes_or_null(r.memory_bytes)}};
}

nlohmann::json string_or_null(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

/// A measured figure: finite and >= 0, else 0 (JSON has no NaN).
double figure(double v) { return std::isfinite(v) && v > 0 ? v : 0.0; }

/// Measured bytes as a whole number.
uint64_t whole_bytes(double v) {
  return std::isfinite(v) && v > 0 ? static_cast<uint64_t>(std::llround(std::min(v, 9.2e18)))
                                   : uint64_t{0};
}

nlohmann::json figures(const ServiceAdvice& s) {
  if (!s.measured) return nullptr;
  const advise::Measured& m = s.figures;
  return {{"samples", m.samples},
          {"span_seconds", figure(m.span_seconds)},
          {"cpu_p50", figure(m.cpu_p50)},
          {"cpu_p95", figure(m.cpu_p95)},
          {"cpu_max", figure(m.cpu_max)},
          {"memory_p50_bytes", whole_bytes(m.memory_p50)},
          {"memory_peak_bytes", whole_bytes(m.memory_peak)},
          {"throttled_share", std::min(1.0, figure(m.throttled_share))},
          {"throttled_cpus", figure(m.throttled_cpus)},
          {"oom_kills", m.oom_kills}};
}

nlohmann::json totals(const HostTotals& t) {
  return {{"cpu_limits", static_cast<double>(t.cpu_limits_nano) / model::kNano},
          {"memory_limits_bytes", t.memory_limits_bytes},
          {"cpu_reservations", static_cast<double>(t.cpu_reservations_nano) / model::kNano},
          {"memory_reservations_bytes", t.memory_reservations_bytes},
          {"cpu_p95", figure(t.cpu_p95)},
          {"fits", t.fits}};
}

// --- Markdown helpers -------------------------------------------------------

std::string md(const std::string& s) { return markdown_escape(s); }

std::string md_row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const auto& c : cells) out += " " + c + " |";
  return out + "\n";
}

std::string md_header(const std::vector<std::string>& names) {
  std::string out = md_row(names) + "|";
  for (size_t i = 0; i < names.size(); ++i) out += " --- |";
  return out + "\n";
}

/// "cpu 1 → 0.35<br>memory 512MiB → 620MiB" for the fields starting with
/// `prefix` ("limits.", "reservations."); "" when none changes.
std::string md_fields(const std::vector<FieldChange>& changes, const std::string& prefix) {
  std::string out;
  for (const auto& f : changes) {
    if (f.field.rfind(prefix, 0) != 0) continue;
    out += (out.empty() ? "" : "<br>") + md(f.field.substr(prefix.size()) + " " + f.before + " → " + f.after);
  }
  return out.empty() ? "–" : out;
}

}  // namespace

std::string advise_text(const Advice& a, const Style& style) {
  std::string out;
  const std::string basis = basis_sentence(a.basis, quote_text);
  out += weak(a.basis) ? style.bold(style.yellow(basis)) : style.bold(basis);
  out += "\n";
  if (!a.basis.fallback_reason.empty())
    out += style.yellow("  not the history: " + printable(a.basis.fallback_reason)) + "\n";
  for (const auto& w : a.what_if)
    out += style.yellow("What if " + printable(w) + ": for this advice only, nothing else") + "\n";
  out += "\n";

  size_t kept = 0, unchanged = 0;
  std::string blocks;
  for (const auto& s : a.services) {
    if (shown(s))
      blocks += service_block(s, style);
    else if (s.sizing.kept)
      ++kept;
    else
      ++unchanged;
  }
  if (!blocks.empty()) {
    if (!a.placement.fits)
      out += style.yellow("Sized from use, but not written: no placement fits (below).") + "\n";
    out += blocks + "\n";
  }
  if (kept > 0) {
    out += "Kept as declared: " + plan::plural(kept, "service", "services") + "\n";
    for (const auto& s : a.services) {
      if (!kept_only(s)) continue;
      const std::string why = s.sizing.reasons.empty() ? "no reason given" : plan::join(s.sizing.reasons, " ");
      out += "  " + printable(s.name) + ": " + style.dim(printable(why)) + "\n";
    }
    out += "\n";
  }
  if (unchanged > 0) {
    out += style.dim(std::to_string(unchanged) +
                     (unchanged == 1 ? " service unchanged." : " services unchanged.")) +
           "\n\n";
  }

  const auto& p = a.placement;
  if (!p.before.empty()) {
    out += "Hosts (as declared → as advised):\n";
    Table t(host_header(a));
    for (const auto& h : host_pairs(a)) {
      t.add(host_row(*h.before, *h.after, quote_text,
                     [&style](bool fits, const std::string& s) { return fits ? style.green(s) : style.red(s); }));
    }
    out += t.str("  ") + "\n";
  }
  if (!a.fixed.empty()) {
    out += "Counted where they run, never moved:\n";
    for (const auto& f : a.fixed) out += "  " + style.dim(fixed_sentence(f, quote_text)) + "\n";
    out += "\n";
  }
  if (!p.moves.empty()) {
    out += "Moves:\n";
    for (const auto& m : p.moves) {
      out += "  " + style.bold(printable(m.service)) + ": " + printable(host_words(m.from)) + " → " +
             printable(host_words(m.to)) + "\n";
      if (!m.reason.empty()) out += "    " + style.dim(printable(m.reason)) + "\n";
    }
    out += "\n";
  }
  if (!p.fits) {
    out += style.bold(style.red("No placement fits")) + "\n";
    for (const auto& w : p.why_not) out += "  " + style.red(printable(w)) + "\n";
    out += "  " + demand_sentence(a) + "\n\n";
  }
  if (!a.notes.empty()) {
    out += "Notes:\n";
    for (const auto& n : a.notes) out += "  " + printable(n) + "\n";
    out += "\n";
  }
  const std::string last = summary(a);
  out += (p.fits ? style.bold(last) : style.bold(style.red(last))) + "\n";
  return out;
}

nlohmann::json advise_json(const Advice& a) {
  const Basis& b = a.basis;
  const bool history = b.kind == Basis::Kind::history;
  nlohmann::json basis = {
      {"kind", history ? "history" : "live_window"},
      {"windows", b.windows},
      {"span_seconds", figure(b.span_seconds)},
      {"first_at", history && b.first_at_unix > 0 ? nlohmann::json(rfc3339_utc(b.first_at_unix))
                                                  : nlohmann::json(nullptr)},
      {"last_at", history && b.last_at_unix > 0 ? nlohmann::json(rfc3339_utc(b.last_at_unix))
                                                : nlohmann::json(nullptr)},
      {"source", b.source},
      {"fallback_reason", string_or_null(b.fallback_reason)}};

  nlohmann::json services = nlohmann::json::array();
  for (const auto& s : a.services) {
    services.push_back({{"name", s.name},
                        {"host_before", string_or_null(s.host_before)},
                        {"host_after", string_or_null(s.host_after)},
                        {"tasks", s.tasks},
                        {"measured", s.measured},
                        {"kept", s.sizing.kept},
                        {"starved", s.sizing.starved},
                        {"changes", s.changes()},
                        {"limits_before", resources(s.limits_before)},
                        {"limits_after", resources(s.sizing.limits)},
                        {"reservations_before", resources(s.reservations_before)},
                        {"reservations_after", resources(s.sizing.reservations)},
                        {"figures", figures(s)},
                        {"reasons", s.sizing.reasons},
                        {"cannot_raise", string_or_null(s.cannot_raise)}});
  }
  const auto& p = a.placement;
  nlohmann::json moves = nlohmann::json::array();
  for (const auto& m : p.moves)
    moves.push_back({{"service", m.service}, {"from", m.from}, {"to", m.to}, {"reason", m.reason}});
  nlohmann::json hosts = nlohmann::json::array();
  for (const auto& h : host_pairs(a)) {
    const HostTotals& before = *h.before;
    const HostTotals& after = *h.after;
    hosts.push_back({{"name", after.name},
                     {"capacity",
                      {{"cpus", static_cast<double>(after.cpu_nano) / model::kNano},
                       {"memory_bytes", after.memory_bytes}}},
                     {"cpu_budget", static_cast<double>(after.cpu_budget) / model::kNano},
                     {"memory_budget", static_cast<double>(after.memory_budget) / model::kNano},
                     {"before", totals(before)},
                     {"after", totals(after)}});
  }
  nlohmann::json fixed = nlohmann::json::array();
  for (const auto& f : a.fixed)
    fixed.push_back({{"service", f.service}, {"host", f.host}, {"cpu_p95", figure(f.cpu_p95)}, {"why", f.why}});
  return {{"format_version", "1.0"},
          {"basis", basis},
          {"target_utilization", figure(a.target_utilization)},
          {"what_if", a.what_if},
          {"fits", p.fits},
          {"changes", a.has_changes()},
          {"services", services},
          {"moves", moves},
          {"hosts", hosts},
          {"why_not", p.why_not},
          {"demand_p95_cpus", figure(p.demand_p95_cpus)},
          {"smallest_total_cpus", figure(p.smallest_total_cpus)},
          {"fixed", fixed},
          {"notes", a.notes}};
}

std::string advise_markdown(const Advice& a) {
  std::string out = "### swarmform advise\n\n";
  const std::string basis = basis_sentence(a.basis, md) + ".";
  out += weak(a.basis) ? "> **" + basis + "**\n" : "**" + basis + "**\n";
  if (!a.basis.fallback_reason.empty())
    out += (weak(a.basis) ? ">\n> " : "\n") + std::string("Not the history: ") + md(a.basis.fallback_reason) + "\n";
  out += "\n";
  for (const auto& w : a.what_if) out += "- _What if_ " + md(w) + " (for this advice only)\n";
  if (!a.what_if.empty()) out += "\n";
  out += "**" + md(summary(a)) + "**\n\n";

  std::string rows;
  size_t kept = 0, unchanged = 0;
  for (const auto& s : a.services) {
    if (!shown(s)) {
      ++(s.sizing.kept ? kept : unchanged);
      continue;
    }
    const std::vector<FieldChange> changes = field_changes(s, [](const std::string& x) { return x; });
    std::string host = s.moves() ? md(host_words(s.host_before)) + " → " + md(host_words(s.host_after))
                                 : md(host_words(s.host_after));
    std::string why;
    if (!s.cannot_raise.empty()) why = "**" + md(s.cannot_raise) + "**";
    for (const auto& r : s.sizing.reasons) why += (why.empty() ? "" : "<br>") + md(r);
    rows += md_row({md(s.name) + (s.sizing.starved ? " (starved)" : ""), md_fields(changes, "limits."),
                    md_fields(changes, "reservations."), host, why.empty() ? "–" : why});
  }
  if (!rows.empty()) out += md_header({"Service", "Limits", "Reservations", "Host", "Why"}) + rows + "\n";
  if (kept > 0) {
    out += plan::plural(kept, "service", "services") + " kept as declared:\n\n";
    for (const auto& s : a.services) {
      if (!kept_only(s)) continue;
      out += "- " + md(s.name) + ": " + md(plan::join(s.sizing.reasons, " ")) + "\n";
    }
    out += "\n";
  }
  if (unchanged > 0)
    out += std::to_string(unchanged) + (unchanged == 1 ? " service unchanged.\n\n" : " services unchanged.\n\n");

  const auto& p = a.placement;
  if (!p.before.empty()) {
    out += "#### Hosts as declared → as advised\n\n";
    std::vector<std::string> header = {"Host",   "Capacity", "CPU limits", "Memory limits", "Reserved cpu / memory",
                                       "Budget cpu / memory", "p95 CPU (target " + target_words(a.target_utilization) + ")",
                                       "Fits"};
    out += md_header(header);
    for (const auto& h : host_pairs(a)) {
      out += md_row(host_row(*h.before, *h.after, md, [](bool fits, const std::string& s) {
        return fits ? s : "**" + s + "**";
      }));
    }
    out += "\n";
  }
  if (!p.moves.empty()) {
    out += "#### Moves\n\n";
    for (const auto& m : p.moves) {
      out += "- **" + md(m.service) + "**: " + md(host_words(m.from)) + " → " + md(host_words(m.to));
      if (!m.reason.empty()) out += ": " + md(m.reason);
      out += "\n";
    }
    out += "\n";
  }
  if (!p.fits) {
    out += "#### Does not fit\n\n";
    for (const auto& w : p.why_not) out += "- " + md(w) + "\n";
    out += "- " + md(demand_sentence(a)) + "\n\n";
  }
  if (!a.fixed.empty()) {
    out += "#### Counted where they run, never moved\n\n";
    for (const auto& f : a.fixed) out += "- " + fixed_sentence(f, md) + "\n";
    out += "\n";
  }
  if (!a.notes.empty()) {
    out += "#### Notes\n\n";
    for (const auto& n : a.notes) out += "- " + md(n) + "\n";
    out += "\n";
  }
  out += "<sub>advise format 1.0, target " + target_words(a.target_utilization) + " of each host's CPUs at p95</sub>\n";
  return out;
}

}  // namespace swarmform::render
