#include "reconciler/render/plan_capacity.h"

#include <functional>

#include "reconciler/model/quantity.h"
#include "reconciler/plan/wording.h"
#include "reconciler/render/capacity_table.h"
#include "reconciler/render/table.h"

namespace swarmform::render {
namespace {

using model::format_cpus;
using model::memory_readable;
using model::format_ratio;

const std::vector<std::string> kHeader{
    "HOST", "CAPACITY", "CPU LIMITS", "CPU RESERVED", "MEMORY LIMITS", "MEMORY RESERVED", "BUDGET"};

/// "after (ratio)", or "before → after (ratio)" when the plan changes it.
std::string figure(const std::function<std::string(int64_t)>& format, int64_t before, int64_t after,
                   int64_t capacity) {
  std::string then = format(after) + " (" + format_ratio(after, capacity) + ")";
  return before == after ? then : format(before) + " → " + then;
}

std::string capacity_cell(const plan::HostProjection& h) {
  const model::Capacity& c = h.after.capacity;
  std::string out = format_cpus(c.nano_cpus) + " CPUs, " + memory_readable(c.memory_bytes);
  if (!h.real) return out + " (node missing)";
  if (!h.capacity_matches) {
    const std::string exact = plan::exact_memory_when_close(c.memory_bytes, h.real->memory_bytes);
    out += " (node: " + format_cpus(h.real->nano_cpus) + " CPUs, " + memory_readable(h.real->memory_bytes) +
           (exact.empty() ? "" : ", " + exact) + ")";
  }
  return out;
}

struct Row {
  std::vector<std::string> cells;
  bool fits = true;
};

Row row(const plan::HostProjection& h) {
  const model::HostLoad& b = h.before;
  const model::HostLoad& a = h.after;
  auto cpus = [](int64_t n) { return format_cpus(n); };
  auto memory = [](int64_t n) { return n == 0 ? std::string("0") : memory_readable(n); };
  std::string verdict = budget_verdict(a);
  if (!b.fits() && a.fits()) verdict += " (was over)";
  if (b.fits() && !a.fits()) verdict += " (was ok)";
  return {{h.host, capacity_cell(h),
           figure(cpus, b.limits.nano_cpus, a.limits.nano_cpus, a.capacity.nano_cpus),
           figure(cpus, b.reservations.nano_cpus, a.reservations.nano_cpus, a.capacity.nano_cpus),
           figure(memory, b.limits.memory_bytes, a.limits.memory_bytes, a.capacity.memory_bytes),
           figure(memory, b.reservations.memory_bytes, a.reservations.memory_bytes,
                  a.capacity.memory_bytes),
           verdict},
          a.fits()};
}

std::string markdown_cell(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

std::string plan_capacity_table(const std::vector<plan::HostProjection>& hosts,
                                const Style& style) {
  Table t(kHeader);
  for (const auto& h : hosts) {
    Row r = row(h);
    r.cells.back() = r.fits ? style.green(r.cells.back()) : style.red(r.cells.back());
    t.add(std::move(r.cells));
  }
  return t.str("  ");
}

std::string plan_capacity_markdown(const std::vector<plan::HostProjection>& hosts) {
  std::string out =
      "| Host | Capacity | CPU limits | CPU reserved | Memory limits | Memory reserved | Budget |\n"
      "| --- | --- | --- | --- | --- | --- | --- |\n";
  for (const auto& h : hosts) {
    Row r = row(h);
    if (!r.fits) r.cells.back() = "**" + r.cells.back() + "**";
    out += "|";
    for (const auto& c : r.cells) out += " " + markdown_cell(c) + " |";
    out += "\n";
  }
  return out;
}

}  // namespace swarmform::render
