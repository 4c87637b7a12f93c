#include "reconciler/render/usage_view.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>

#include "reconciler/model/quantity.h"
#include "reconciler/plan/wording.h"
#include "reconciler/render/table.h"
#include "reconciler/util/file.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::render {
namespace {

using usage::HostUsage;
using usage::ServiceUsage;

/// A measured figure that is not a number prints as this, never "nan".
constexpr const char* kUnknown = "?";

double finite_or_zero(double v) { return std::isfinite(v) ? v : 0.0; }

/// Cores with 2 decimals: "1.24", "1.00" (-0 prints as 0).
std::string cores(double v) {
  if (!std::isfinite(v)) return kUnknown;
  return fmt::format("{:.2f}", v == 0 ? 0.0 : v);
}

/// Cores with at most 2 decimals, trailing zeros dropped: "2.61", "0.4", "0".
std::string cores_short(double v) {
  std::string s = cores(v);
  if (s.find('.') == std::string::npos) return s;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

/// Cores with 1 decimal, for the host line: "3.9".
std::string cores1(double v) {
  if (!std::isfinite(v)) return kUnknown;
  std::string s = fmt::format("{:.1f}", v);
  return s == "-0.0" ? "0.0" : s;
}

/// A ratio as a whole percentage: 0.38 -> "38%".
std::string percent(double ratio) {
  if (!std::isfinite(ratio)) return kUnknown;
  const double p = std::round(ratio * 100);
  return fmt::format("{:.0f}%", p == 0 ? 0.0 : p);
}

/// Measured bytes as the tables print memory: exact binary units, else
/// about one decimal ("~310.2MiB").
std::string memory(uint64_t bytes) {
  return plan::approx_memory(
      static_cast<int64_t>(std::min<uint64_t>(bytes, std::numeric_limits<int64_t>::max())));
}

std::string memory(double bytes) {
  if (!std::isfinite(bytes) || bytes < 0) return kUnknown;
  return memory(static_cast<uint64_t>(std::llround(std::min(bytes, 9.2e18))));
}

std::string cpus_words(int64_t nano) {
  return model::format_cpus(nano) + (nano == model::kNano ? " CPU" : " CPUs");
}

std::string limit_cpus(const std::optional<int64_t>& nano) {
  return nano && *nano > 0 ? model::format_cpus(*nano) : "-";
}

std::string limit_memory(const std::optional<int64_t>& bytes) {
  return bytes && *bytes > 0 ? plan::approx_memory(*bytes) : "-";
}

/// The throttled share, or "-" for a service without a CPU limit (no CFS
/// quota, so nothing to be throttled by) that reports none.
std::string throttled(double ratio, const std::optional<int64_t>& cpu_limit_nano,
                      const Style& style) {
  if (!(cpu_limit_nano && *cpu_limit_nano > 0) && finite_or_zero(ratio) == 0) return "-";
  std::string p = percent(ratio);
  return std::isfinite(ratio) && ratio >= usage::kStarvedThrottledRatio ? style.red(p) : p;
}

/// "1.24 / 2 (62%)", "2.61 / -".
std::string cpu_cell(const ServiceUsage& s) {
  if (!(s.cpu_limit_nano && *s.cpu_limit_nano > 0)) return cores(s.cpu_used) + " / -";
  const double limit = static_cast<double>(*s.cpu_limit_nano) / model::kNano;
  return cores(s.cpu_used) + " / " + model::format_cpus(*s.cpu_limit_nano) + " (" +
         percent(s.cpu_used / limit) + ")";
}

std::string flags_cell(const ServiceUsage& s, const Style& style) {
  std::string out;
  for (const auto& f : usage::flag_names(s)) {
    std::string shown = f == "starved"    ? style.red(f)
                        : f == "no limit" ? style.yellow(f)
                                          : style.dim(f);
    out += (out.empty() ? "" : ", ") + shown;
  }
  return out;
}

std::vector<const ServiceUsage*> services_on(const usage::UsageReport& report,
                                             const std::string& host) {
  std::vector<const ServiceUsage*> out;
  for (const auto& s : report.services) {
    if (s.host == host) out.push_back(&s);
  }
  return out;
}

/// "5m", "7d", "36h", "90s": the largest unit that divides the span.
std::string span_words(int64_t seconds) {
  if (seconds > 0 && seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
  if (seconds > 0 && seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds > 0 && seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

std::string indent_lines(const std::string& text, const std::string& indent) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += indent + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

std::string heading(const HostUsage& h, const Style& style) {
  std::string capacity = h.capacity_nano > 0 ? cpus_words(h.capacity_nano) : "no CPUs declared";
  if (h.memory_capacity_bytes > 0) capacity += ", " + plan::approx_memory(h.memory_capacity_bytes);
  return style.bold(printable(h.name)) + "  " + capacity + "\n";
}

/// "load 5.52 (1m) · busy 3.9 of 4 CPUs · outside swarm 0.6 CPUs (15%)",
/// the share outside swarm being of the busy CPUs; or why the host's own
/// figures are missing.
std::string host_line(const HostUsage& h, const Style& style, bool unicode) {
  if (!h.load1 && !h.busy_cpus) {
    const std::string why =
        h.host_figures_unavailable.empty() ? "not measured" : printable(h.host_figures_unavailable);
    return style.yellow("host figures unavailable: " + why);
  }
  const double capacity = static_cast<double>(h.capacity_nano) / model::kNano;
  std::vector<std::string> parts;
  if (h.load1) {
    std::string load = "load " + cores(*h.load1) + " (1m)";
    parts.push_back(capacity > 0 && *h.load1 > capacity ? style.yellow(load) : load);
  }
  if (h.busy_cpus) {
    std::string busy = "busy " + cores1(*h.busy_cpus);
    busy += h.capacity_nano > 0 ? " of " + cpus_words(h.capacity_nano) : " CPUs";
    if (h.cpus_seen > 0 && h.capacity_nano > 0 &&
        int64_t{h.cpus_seen} * model::kNano != h.capacity_nano)
      busy += " (the kernel sees " + std::to_string(h.cpus_seen) + ")";
    parts.push_back(busy);
  } else {
    parts.push_back(style.yellow("busy CPUs unavailable" +
                                 (h.host_figures_unavailable.empty()
                                      ? std::string()
                                      : ": " + printable(h.host_figures_unavailable))));
  }
  if (h.other_cpus) {
    std::string other = "outside swarm " + cores1(*h.other_cpus) + " CPUs";
    if (h.busy_cpus && std::isfinite(*h.busy_cpus) && *h.busy_cpus > 0)
      other += " (" + percent(*h.other_cpus / *h.busy_cpus) + ")";
    parts.push_back(other);
  }
  return plan::join(parts, unicode ? " · " : ", ");
}

/// Lines under a host's table: tasks not measured, the demand a limit cut
/// off (an estimate), OOM kills.
std::string notes(const std::vector<const ServiceUsage*>& services, const Style& style) {
  std::string out;
  int partial = 0;
  std::vector<std::string> partial_names;
  for (const auto* s : services) {
    if (s->partial_tasks <= 0) continue;
    partial += s->partial_tasks;
    partial_names.push_back(printable(s->name));
  }
  if (partial > 0) {
    out += style.dim(plan::plural(static_cast<uint64_t>(partial), "task", "tasks") +
                     " started or stopped inside the window: not measured (" +
                     plan::join(partial_names) + ")") +
           "\n";
  }
  for (const auto* s : services) {
    if (s->starved && std::isfinite(s->throttled_cpus) && s->throttled_cpus >= 0.005) {
      out += printable(s->name) + ": its limit cut off about " + cores(s->throttled_cpus) +
             " CPUs of demand (throttled time per second, an estimate)\n";
    }
  }
  for (const auto* s : services) {
    if (s->oom_kills && *s->oom_kills > 0)
      out += style.red(printable(s->name) + ": " +
                       plan::plural(*s->oom_kills, "OOM kill", "OOM kills")) +
             "\n";
  }
  return out;
}

struct Segment {
  std::string glyph;
  std::string label;
  double value = 0;
  enum class Kind { service, rest, outside, free } kind = Kind::service;
};

/// Cells per segment, summing to exactly `width`: each its floor of the
/// exact share, the cells left over to the largest remainders (ties to the
/// earlier segment).
std::vector<int> cells(const std::vector<Segment>& segments, double total, int width) {
  std::vector<int> out(segments.size(), 0);
  if (width <= 0 || segments.empty()) return out;
  if (!(total > 0)) {
    out.back() = width;  // nothing measured: all free
    return out;
  }
  std::vector<double> remainder(segments.size(), 0);
  int used = 0;
  for (size_t i = 0; i < segments.size(); ++i) {
    const double exact = std::clamp(segments[i].value / total, 0.0, 1.0) * width;
    out[i] = static_cast<int>(std::floor(exact));
    remainder[i] = exact - out[i];
    used += out[i];
  }
  std::vector<size_t> order(segments.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return remainder[a] > remainder[b]; });
  for (size_t k = 0; used < width; k = (k + 1) % order.size(), ++used) ++out[order[k]];
  return out;
}

std::string paint(const Segment& s, const std::string& text, const Style& style) {
  switch (s.kind) {
    case Segment::Kind::outside:
      return style.yellow(text);
    case Segment::Kind::free:
      return style.dim(text);
    default:
      return text;
  }
}

std::string repeat(const std::string& glyph, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += glyph;
  return out;
}

}  // namespace

std::string cpu_bar(const usage::UsageReport& report, const HostUsage& host, int width,
                    const Style& style, bool unicode) {
  static const char* const kUnicode[] = {"█", "▓", "▒", "░", "▚", "·"};
  static const char* const kAscii[] = {"#", "=", "+", "-", "o", "."};
  const char* const* glyphs = unicode ? kUnicode : kAscii;

  std::vector<const ServiceUsage*> services = services_on(report, host.name);
  std::stable_sort(services.begin(), services.end(),
                   [](const ServiceUsage* a, const ServiceUsage* b) {
                     return finite_or_zero(a->cpu_used) > finite_or_zero(b->cpu_used);
                   });
  std::vector<Segment> segments;
  double top = 0;
  size_t shown = 0;
  for (const auto* s : services) {
    if (shown == 3 || !(finite_or_zero(s->cpu_used) > 0)) break;
    segments.push_back({glyphs[shown++], printable(s->name), s->cpu_used, Segment::Kind::service});
    top += s->cpu_used;
  }
  double swarm = finite_or_zero(host.swarm_cpus);
  if (swarm == 0) {
    for (const auto* s : services) swarm += finite_or_zero(s->cpu_used);
  }
  const double rest = std::max(0.0, swarm - top);
  // Under --target the rows are filtered but swarm_cpus is every service's:
  // what is not shown is the rest of swarm all the same.
  if (services.size() > shown || rest >= 0.005)
    segments.push_back({glyphs[3], "other swarm", rest, Segment::Kind::rest});
  const bool outside_known = host.other_cpus.has_value() && std::isfinite(*host.other_cpus);
  const double outside = outside_known ? std::max(0.0, *host.other_cpus) : 0.0;
  if (outside_known) segments.push_back({glyphs[4], "outside", outside, Segment::Kind::outside});

  const double capacity = static_cast<double>(host.capacity_nano) / model::kNano;
  const double busy = host.busy_cpus ? finite_or_zero(*host.busy_cpus) : 0.0;
  const double total = std::max({capacity, busy, top + rest + outside});
  const double free = std::max(0.0, total - top - rest - outside);
  segments.push_back(
      {glyphs[5], outside_known ? "free" : "free or outside swarm", free, Segment::Kind::free});

  std::vector<int> n = cells(segments, total, width);
  std::string bar;
  std::vector<std::string> legend;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (n[i] > 0) bar += paint(segments[i], repeat(segments[i].glyph, n[i]), style);
    legend.push_back(paint(segments[i], segments[i].glyph, style) + " " + segments[i].label + " " +
                     cores_short(segments[i].value));
  }
  std::string legend_line = plan::join(legend, "  ");
  if (!outside_known) legend_line += "  (outside swarm unknown: host figures unavailable)";
  return bar + "\n" + legend_line + "\n";
}

std::string usage_text(const usage::UsageReport& report, const Style& style, bool unicode) {
  constexpr int kBarWidth = 48;
  std::string out = style.bold("swarmform usage") + " over a " +
                    cores_short(report.window_seconds) + "s window\n";
  for (const auto& h : report.hosts) {
    out += "\n";
    if (h.error) {
      out += style.bold(printable(h.name)) + ": " +
             style.red("not measured: " + printable(*h.error)) + "\n";
      continue;
    }
    out += heading(h, style);
    std::vector<const ServiceUsage*> services = services_on(report, h.name);
    if (services.empty()) {
      out += "  " + style.dim("no running tasks") + "\n";
    } else {
      Table t({"SERVICE", "TASKS", "CPU", "THROTTLED", "MEMORY", "FLAGS"});
      for (const auto* s : services) {
        std::string tasks = std::to_string(s->tasks);
        if (s->partial_tasks > 0) tasks += " (+" + std::to_string(s->partial_tasks) + " partial)";
        t.add({printable(s->name), tasks, cpu_cell(*s),
               throttled(s->throttled_ratio, s->cpu_limit_nano, style),
               memory(s->memory_used_bytes) + " / " + limit_memory(s->memory_limit_bytes),
               flags_cell(*s, style)});
      }
      out += t.str("  ");
    }
    out += indent_lines(notes(services, style), "  ");
    out += "  " + host_line(h, style, unicode) + "\n";
    out += indent_lines(cpu_bar(report, h, kBarWidth, style, unicode), "  ");
  }
  return out;
}

nlohmann::json usage_json(const usage::UsageReport& report) {
  auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  auto cores_or_null = [](const std::optional<int64_t>& nano) {
    return nano && *nano > 0 ? nlohmann::json(static_cast<double>(*nano) / model::kNano)
                             : nlohmann::json(nullptr);
  };
  nlohmann::json hosts = nlohmann::json::array();
  for (const auto& h : report.hosts) {
    hosts.push_back({{"name", h.name},
                     {"cpus", static_cast<double>(h.capacity_nano) / model::kNano},
                     {"memory_bytes", h.memory_capacity_bytes},
                     {"load1", opt(h.load1)},
                     {"busy_cpus", opt(h.busy_cpus)},
                     {"swarm_cpus", h.swarm_cpus},
                     {"other_cpus", opt(h.other_cpus)},
                     {"cpus_seen", h.cpus_seen},
                     {"unavailable", h.host_figures_unavailable.empty()
                                         ? nlohmann::json(nullptr)
                                         : nlohmann::json(h.host_figures_unavailable)},
                     {"error", opt(h.error)}});
  }
  nlohmann::json services = nlohmann::json::array();
  for (const auto& s : report.services) {
    services.push_back({{"name", s.name},
                        {"host", s.host},
                        {"tasks", s.tasks},
                        {"partial_tasks", s.partial_tasks},
                        {"cpu_used", s.cpu_used},
                        {"cpu_limit", cores_or_null(s.cpu_limit_nano)},
                        {"throttled_ratio", s.throttled_ratio},
                        {"throttled_cpus", s.throttled_cpus},
                        {"memory_used_bytes", s.memory_used_bytes},
                        {"memory_limit_bytes", s.memory_limit_bytes && *s.memory_limit_bytes > 0
                                                   ? nlohmann::json(*s.memory_limit_bytes)
                                                   : nlohmann::json(nullptr)},
                        {"oom_kills", opt(s.oom_kills)},
                        {"flags", usage::flag_names(s)}});
  }
  return {{"format_version", "1.0"},
          {"window_seconds", report.window_seconds},
          {"hosts", hosts},
          {"services", services}};
}

std::string history_text(const std::vector<usage::ServiceHistory>& history, int64_t since_seconds,
                         const Style& style) {
  std::string out =
      style.bold("swarmform usage") + " history over " + span_words(since_seconds) + ": ";
  if (history.empty()) return out + "no recorded windows (swarmform usage --record records them)\n";
  int windows = 0;
  int64_t first = history.front().first_at_unix, last = history.front().last_at_unix;
  for (const auto& h : history) {
    windows = std::max(windows, h.samples);
    first = std::min(first, h.first_at_unix);
    last = std::max(last, h.last_at_unix);
  }
  out += plan::plural(static_cast<uint64_t>(std::max(windows, 0)), "window", "windows") + " from " +
         rfc3339_utc(first) + " to " + rfc3339_utc(last) + "\n";

  // Hosts in the order they first appear (history is sorted by host).
  std::vector<std::string> hosts;
  for (const auto& h : history) {
    if (std::find(hosts.begin(), hosts.end(), h.host) == hosts.end()) hosts.push_back(h.host);
  }
  for (const auto& host : hosts) {
    out += "\n" + style.bold(printable(host)) + "\n";
    Table t({"SERVICE", "SAMPLES", "CPU p50/p95/max", "MEMORY p50/p95/max", "THROTTLED",
             "LIMIT cpu/memory"});
    std::string oom;
    for (const auto& h : history) {
      if (h.host != host) continue;
      t.add({printable(h.service), std::to_string(h.samples),
             cores(h.cpu.p50) + " / " + cores(h.cpu.p95) + " / " + cores(h.cpu.max),
             memory(h.memory_bytes.p50) + " / " + memory(h.memory_bytes.p95) + " / " +
                 memory(h.memory_bytes.max),
             throttled(h.throttled_share, h.cpu_limit_nano, style),
             limit_cpus(h.cpu_limit_nano) + " / " + limit_memory(h.memory_limit_bytes)});
      if (h.oom_kills && *h.oom_kills > 0)
        oom += "  " +
               style.red(printable(h.service) + ": " +
                         plan::plural(*h.oom_kills, "OOM kill", "OOM kills")) +
               "\n";
    }
    out += t.str("  ") + oom;
  }
  return out;
}

nlohmann::json history_json(const std::vector<usage::ServiceHistory>& history,
                            int64_t since_seconds) {
  auto percentiles = [](const usage::Percentiles& p) {
    return nlohmann::json{{"p50", p.p50}, {"p95", p.p95}, {"max", p.max}};
  };
  auto bytes = [](double v) {
    return std::isfinite(v) && v > 0 ? static_cast<uint64_t>(std::llround(std::min(v, 1.8e19)))
                                     : uint64_t{0};
  };
  nlohmann::json services = nlohmann::json::array();
  for (const auto& h : history) {
    services.push_back(
        {{"name", h.service},
         {"host", h.host},
         {"samples", h.samples},
         {"first_at", rfc3339_utc(h.first_at_unix)},
         {"last_at", rfc3339_utc(h.last_at_unix)},
         {"cpu", percentiles(h.cpu)},
         {"memory_bytes",
          {{"p50", bytes(h.memory_bytes.p50)},
           {"p95", bytes(h.memory_bytes.p95)},
           {"max", bytes(h.memory_bytes.max)}}},
         {"throttled_share", h.throttled_share},
         {"cpu_limit", h.cpu_limit_nano && *h.cpu_limit_nano > 0
                           ? nlohmann::json(static_cast<double>(*h.cpu_limit_nano) / model::kNano)
                           : nlohmann::json(nullptr)},
         {"memory_limit_bytes", h.memory_limit_bytes && *h.memory_limit_bytes > 0
                                    ? nlohmann::json(*h.memory_limit_bytes)
                                    : nlohmann::json(nullptr)},
         {"oom_kills", h.oom_kills ? nlohmann::json(*h.oom_kills) : nlohmann::json(nullptr)},
         {"tasks", h.tasks}});
  }
  return {{"format_version", "1.0"}, {"since_seconds", since_seconds}, {"services", services}};
}

bool unicode_output() {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  // POSIX precedence: the first of LC_ALL, LC_CTYPE, LANG that is set and not empty.
  const char* locale = nullptr;
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && v[0] != '\0') {
      locale = v;
      break;
    }
  }
  if (locale == nullptr) return false;
  std::string lower(locale);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("utf-8") != std::string::npos || lower.find("utf8") != std::string::npos;
}

}  // namespace swarmform::render
