#include "reconciler/usage/proc_stat.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "reconciler/util/text_sanitize.h"

namespace swarmform::usage {
namespace {

/// /proc/loadavg: "load1 load5 load15 running/total last_pid".
constexpr size_t kLoadavgFields = 5;
/// The counters of a "cpu" line of /proc/stat (proc(5)): user nice system
/// idle since the first kernels, then iowait (2.5.41), irq and softirq
/// (2.6.0), steal (2.6.11), guest (2.6.24), guest_nice (2.6.33).  Older
/// kernels print fewer: at least the first four; a later kernel may add
/// columns, which would be a new meaning we do not guess at.
constexpr size_t kMinCpuColumns = 4;
constexpr size_t kMaxCpuColumns = 10;
/// Column indexes in that order.  guest and guest_nice (8, 9) are already
/// counted in user and nice by the kernel: adding them would count them twice.
constexpr size_t kIdleColumn = 3;
constexpr size_t kIowaitColumn = 4;
/// user nice system irq softirq steal.
constexpr std::array<size_t, 6> kBusyColumns = {0, 1, 2, 5, 6, 7};
/// How much of an unexpected line an error quotes: enough to recognise a
/// forced command's banner, not a screenful.
constexpr size_t kQuotedTextMax = 60;
/// The busy share of a host whose every CPU was busy all window.
constexpr double kAllBusy = 1.0;

std::unexpected<Error> not_proc(const std::string& why) {
  return fail("not the output of `" + std::string(kHostCountersCommand) + "`: " + why);
}

/// `text`, made printable and cut to kQuotedTextMax, in single quotes.
std::string quoted(std::string_view text) {
  std::string cut(text.substr(0, kQuotedTextMax));
  if (text.size() > kQuotedTextMax) cut += "...";
  return "'" + printable(cut) + "'";
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

/// Fields separated by runs of spaces (the "cpu  " line has two).
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  for (std::string_view f : split(line, ' ')) {
    if (!f.empty()) out.push_back(f);
  }
  return out;
}

/// The whole of `text` as an unsigned decimal (no sign, no space); nullopt
/// on anything else, overflow included.
std::optional<uint64_t> parse_counter(std::string_view text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

/// A load average: finite, not negative, the whole of `text`.
std::optional<double> parse_load(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::fixed);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value) || value < 0) {
    return std::nullopt;
  }
  return value;
}

/// "running/total" of /proc/loadavg.
bool is_task_counts(std::string_view text) {
  size_t slash = text.find('/');
  return slash != std::string_view::npos && parse_counter(text.substr(0, slash)) &&
         parse_counter(text.substr(slash + 1));
}

Result<void> read_loadavg(std::string_view line, model::HostSample& out) {
  auto f = fields(line);
  if (f.size() != kLoadavgFields) {
    return not_proc("the first line is not /proc/loadavg: " + quoted(line));
  }
  auto l1 = parse_load(f[0]);
  auto l5 = parse_load(f[1]);
  auto l15 = parse_load(f[2]);
  if (!l1 || !l5 || !l15 || !is_task_counts(f[3]) || !parse_counter(f[4])) {
    return not_proc("the first line is not /proc/loadavg: " + quoted(line));
  }
  out.load1 = *l1;
  out.load5 = *l5;
  out.load15 = *l15;
  return {};
}

/// a + b, or nullopt where it would wrap.
std::optional<uint64_t> checked_add(uint64_t a, uint64_t b) {
  uint64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

/// The counters of the aggregate "cpu" line (without its name) into busy
/// and total ticks.
Result<void> read_cpu_counters(const std::vector<std::string_view>& columns,
                               model::HostSample& out) {
  if (columns.size() < kMinCpuColumns || columns.size() > kMaxCpuColumns) {
    return not_proc("the \"cpu\" line has " + std::to_string(columns.size()) +
                    " counters, expected " + std::to_string(kMinCpuColumns) + " to " +
                    std::to_string(kMaxCpuColumns));
  }
  std::array<uint64_t, kMaxCpuColumns> ticks{};
  for (size_t i = 0; i < columns.size(); ++i) {
    auto value = parse_counter(columns[i]);
    if (!value) {
      return not_proc("counter " + std::to_string(i + 1) +
                      " of the \"cpu\" line is not a count: " + quoted(columns[i]));
    }
    ticks[i] = *value;  // columns an older kernel does not print stay 0
  }
  std::optional<uint64_t> busy = 0;
  for (size_t c : kBusyColumns) {
    if (busy) busy = checked_add(*busy, ticks[c]);
  }
  std::optional<uint64_t> total = busy ? checked_add(*busy, ticks[kIdleColumn]) : std::nullopt;
  if (total) total = checked_add(*total, ticks[kIowaitColumn]);
  if (!busy || !total) return not_proc("the \"cpu\" line's counters add up past 2^64");
  out.busy_ticks = *busy;
  out.total_ticks = *total;
  return {};
}

/// "cpu0", "cpu17": one line per online CPU.
bool is_per_cpu_name(std::string_view name) {
  return name.size() > 3 && name.starts_with("cpu") && parse_counter(name.substr(3));
}

/// Every line of /proc/stat: the aggregate "cpu" line and the count of
/// per-CPU lines.
Result<void> read_stat(const std::vector<std::string_view>& lines, model::HostSample& out) {
  bool aggregate_seen = false;
  int cpus = 0;
  for (std::string_view line : lines) {
    auto f = fields(line);
    if (f.empty()) continue;
    if (f[0] == "cpu") {
      if (aggregate_seen) return not_proc("two aggregate \"cpu\" lines");
      aggregate_seen = true;
      SF_TRY(read_cpu_counters({f.begin() + 1, f.end()}, out));
    } else if (is_per_cpu_name(f[0])) {
      ++cpus;
    }
  }
  if (!aggregate_seen) return not_proc("no aggregate \"cpu\" line of /proc/stat");
  if (cpus == 0) return not_proc("no per-CPU \"cpuN\" line of /proc/stat");
  out.cpus = cpus;
  return {};
}

}  // namespace

Result<model::HostSample> parse_host_counters(std::string_view output) {
  if (output.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return not_proc("empty output");
  auto lines = split(output, '\n');
  model::HostSample sample;
  SF_TRY(read_loadavg(lines.front(), sample));
  SF_TRY(read_stat({lines.begin() + 1, lines.end()}, sample));
  return sample;
}

std::optional<double> busy_cpus_between(const model::HostSample& a, const model::HostSample& b) {
  if (b.total_ticks <= a.total_ticks || b.busy_ticks < a.busy_ticks) return std::nullopt;
  const double busy = static_cast<double>(b.busy_ticks - a.busy_ticks);
  const double total = static_cast<double>(b.total_ticks - a.total_ticks);
  // iowait may go backwards (proc(5): "not reliable"), which can leave Δtotal
  // below Δbusy: a host is never busier than all of its CPUs.
  return std::min(busy / total, kAllBusy) * b.cpus;
}

}  // namespace swarmform::usage
