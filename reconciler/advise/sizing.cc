// Right-sizing one service (sizing.h): measured doubles in, exact quantities
// (nano-CPUs, bytes) out, rounded up to values a person writes.

#include "reconciler/advise/sizing.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <optional>
#include <string>

#include "reconciler/model/quantity.h"

namespace swarmform::advise {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

/// printf into a string; the reasons' numbers (gcc 12 has no std::format).
[[gnu::format(printf, 1, 2)]] std::string sfmt(const char* fmt, ...) {
  char buf[512];
  va_list args;
  va_start(args, fmt);
  const int n = std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  return n < 0 ? std::string{}
               : std::string(buf, std::min<size_t>(static_cast<size_t>(n), sizeof buf - 1));
}

/// A non-negative double as an integer no larger than `max`, rounded up to
/// a multiple of `step` (max is itself a multiple of step).
int64_t round_up(double value, int64_t step, int64_t max) {
  if (!(value > 0)) return 0;
  if (value >= static_cast<double>(max)) return max;
  // Whole units first (llround: 0.3 x 1e9 is 300000000, not 300000000.00000006
  // rounded up a step), then up to the step exactly in integers.
  const int64_t units = std::llround(value);
  const int64_t rounded = (units + step - 1) / step * step;
  return std::min(rounded, max);
}

int64_t cpu_nano(double cores) { return round_up(cores * 1e9, kCpuStepNano, model::kMaxNanoCpus); }

/// Bytes, rounded up to MiB and never below `bytes` itself (ceil before the
/// step: a peak of 10.5 bytes is 11 bytes of it).
int64_t memory_step(double bytes) {
  return round_up(std::ceil(bytes), kMemoryStepBytes, model::kMaxMemoryBytes);
}

std::string cores(double c) { return sfmt("%.2f", c); }
std::string mib(double bytes) { return sfmt("%.1fMiB", bytes / kMiB); }
std::string percent(double share) { return sfmt("%.0f%%", share * 100); }
std::string margin_text(double margin) { return sfmt("+%.0f%% margin", (margin - 1) * 100); }

std::string span_text(double seconds) {
  const double minutes = seconds / 60;
  if (minutes < 120) return sfmt("%.0f min", minutes);
  if (minutes < 48 * 60) return sfmt("%.1f h", minutes / 60);
  return sfmt("%.1f days", minutes / (24 * 60));
}

/// "cpu 1 → 1.45" or "cpu 0.5 unchanged" or "cpu none → 0.35".
std::string change(const char* what, const std::optional<int64_t>& old_value, int64_t new_value,
                   std::string (*format)(int64_t)) {
  const std::string old_text = old_value && *old_value != 0 ? format(*old_value) : "none";
  if (old_value && *old_value == new_value) return sfmt("%s %s unchanged", what, old_text.c_str());
  return sfmt("%s %s → %s", what, old_text.c_str(), format(new_value).c_str());
}

bool has(const std::optional<int64_t>& v) { return v && *v > 0; }

struct Knobs {
  int min_samples;
  double min_span_seconds;
  double cpu_margin;
  int64_t cpu_floor_nano;
  double memory_margin;
  int64_t memory_floor_bytes;
};

Knobs knobs(const SizingPolicy& p) {
  // A margin below 1 would set a limit under what the service was measured
  // to use: throttled or killed by design.
  const auto margin = [](double m, double fallback) {
    return !(m > 0) || !std::isfinite(m) ? fallback : std::max(m, 1.0);
  };
  return {
      p.min_samples > 0 ? p.min_samples : kDefaultMinSamples,
      p.min_span_seconds > 0 ? p.min_span_seconds : kDefaultMinSpanSeconds,
      margin(p.cpu_margin, kDefaultCpuMargin),
      std::max(p.cpu_floor_nano > 0 ? p.cpu_floor_nano : kDefaultCpuFloorNano,
               model::kEngineMinNanoCpus),
      margin(p.memory_margin, kDefaultMemoryMargin),
      std::max(p.memory_floor_bytes > 0 ? p.memory_floor_bytes : kDefaultMemoryFloorBytes,
               model::kEngineMinMemoryBytes),
  };
}

/// Why the measurements cannot be sized from, or empty when they can.
std::string keep_because(const Measured& m, const Knobs& k) {
  const double figures[] = {m.span_seconds, m.cpu_p50,     m.cpu_p95,         m.cpu_max,
                            m.memory_p50,   m.memory_peak, m.throttled_share, m.throttled_cpus};
  for (const double f : figures) {
    if (!std::isfinite(f) || f < 0) {
      return "keeps its declared values: a measured figure is negative or not a number, so there "
             "is nothing to size from; check the usage history it was read from.";
    }
  }
  if (m.samples < k.min_samples || m.span_seconds < k.min_span_seconds) {
    return sfmt(
        "%d windows over %s: too few to size from; keep recording (usage --record) — advise needs "
        "%d windows over at least %s.",
        m.samples, span_text(m.span_seconds).c_str(), k.min_samples,
        span_text(k.min_span_seconds).c_str());
  }
  if (m.tasks <= 0) {
    return "keeps its declared values: no task was running when it was last measured, so there is "
           "no per-task use to size from.";
  }
  return {};
}

}  // namespace

Sizing right_size(const model::Service& declared, const Measured& m, const SizingPolicy& policy) {
  const Knobs k = knobs(policy);
  Sizing out;
  if (std::string why = keep_because(m, k); !why.empty()) {
    out.limits = declared.limits;
    out.reservations = declared.reservations;
    out.kept = true;
    out.reasons.push_back(std::move(why));
    return out;
  }

  // CPU limit.  A starved task's p95 is held down by its limit: what the
  // limit cut off (throttled time per second) is demand it did not get.
  out.starved = m.throttled_share >= kStarvedThrottledShare;
  const double demand = m.cpu_p95 + (out.starved ? m.throttled_cpus : 0);
  const int64_t cpu_from_use = cpu_nano(demand * k.cpu_margin);
  const int64_t cpu_limit = std::max(cpu_from_use, k.cpu_floor_nano);
  out.limits.nano_cpus = cpu_limit;
  {
    std::string r = change("cpu", declared.limits.nano_cpus, cpu_limit, model::format_cpus) + ": ";
    if (!has(declared.limits.nano_cpus)) {
      r += "no limit was declared, so one busy task could take every core of its host; ";
    }
    if (out.starved) {
      r += sfmt("p95 %s cores plus %s cut off by the limit (throttled %s of the time), %s",
                cores(m.cpu_p95).c_str(), cores(m.throttled_cpus).c_str(),
                percent(m.throttled_share).c_str(), margin_text(k.cpu_margin).c_str());
    } else {
      r += sfmt("p95 %s cores, %s", cores(m.cpu_p95).c_str(), margin_text(k.cpu_margin).c_str());
    }
    if (cpu_from_use < k.cpu_floor_nano) {
      r += sfmt(", raised to the %s floor", model::format_cpus(k.cpu_floor_nano).c_str());
    }
    out.reasons.push_back(r + ".");
  }

  // Memory limit.  After OOM kills the measured peak stopped where the kernel
  // killed the task, at the old limit: the demand is at least that limit.
  const bool oom = m.oom_kills > 0;
  const bool from_old_limit = oom && has(declared.limits.memory_bytes) &&
                              static_cast<double>(*declared.limits.memory_bytes) > m.memory_peak;
  const double memory_base =
      from_old_limit ? static_cast<double>(*declared.limits.memory_bytes) : m.memory_peak;
  const int64_t memory_from_use =
      std::max(memory_step(memory_base * k.memory_margin), memory_step(m.memory_peak));
  const int64_t memory_limit = std::max(memory_from_use, k.memory_floor_bytes);
  out.limits.memory_bytes = memory_limit;
  {
    std::string r =
        change("memory", declared.limits.memory_bytes, memory_limit, model::format_memory) + ": ";
    if (!has(declared.limits.memory_bytes)) {
      r += "no limit was declared, so a leak could take all of its host's memory; ";
    }
    if (from_old_limit) {
      r += sfmt("the %s limit it was killed at (the measured peak %s stops there), %s",
                model::format_memory(*declared.limits.memory_bytes).c_str(),
                mib(m.memory_peak).c_str(), margin_text(k.memory_margin).c_str());
    } else {
      r += sfmt("peak %s, %s", mib(m.memory_peak).c_str(), margin_text(k.memory_margin).c_str());
    }
    if (memory_from_use < k.memory_floor_bytes) {
      r += sfmt(", raised to the %s floor", model::format_memory(k.memory_floor_bytes).c_str());
    }
    out.reasons.push_back(r + ".");
  }
  if (oom) {
    const std::string kills =
        m.oom_kills == 1 ? "1 OOM kill" : std::to_string(m.oom_kills) + " OOM kills";
    if (!has(declared.limits.memory_bytes)) {
      // Without a limit the kernel killed it for the host (or for a limit
      // since removed): the new limit is what keeps it from doing so again.
      out.reasons.push_back(kills +
                            " seen with no limit declared: the host ran out of memory, or an "
                            "earlier limit was too low; the new limit is from the peak.");
    } else {
      out.reasons.push_back(kills + " seen: the limit was too low; raised from " +
                            (from_old_limit ? "the limit it hit." : "the peak."));
    }
  }

  // Reservations: the median per task, what the task uses most of the time,
  // so the scheduler places by the baseline rather than by the limit.
  // At least one step (10m), which is above the swarm's 1m minimum.
  const int64_t cpu_res = std::min(
      std::max(cpu_nano(m.cpu_p50), std::max(model::kSwarmMinNanoCpus, kCpuStepNano)), cpu_limit);
  const int64_t memory_res =
      std::min(std::max(memory_step(m.memory_p50), model::kSwarmMinMemoryBytes), memory_limit);
  out.reservations.nano_cpus = cpu_res;
  out.reservations.memory_bytes = memory_res;
  {
    std::string r =
        "reservations " +
        change("cpu", declared.reservations.nano_cpus, cpu_res, model::format_cpus) + ", " +
        change("memory", declared.reservations.memory_bytes, memory_res, model::format_memory) +
        sfmt(
            ": the median use per task (p50 %s cores, %s), so the scheduler's view matches the "
            "baseline",
            cores(m.cpu_p50).c_str(), mib(m.memory_p50).c_str());
    if (cpu_nano(m.cpu_p50) > cpu_limit || memory_step(m.memory_p50) > memory_limit) {
      r += "; capped at the new limit";
    }
    if (memory_step(m.memory_p50) < model::kSwarmMinMemoryBytes) {
      r += sfmt("; memory raised to the swarm's %s minimum",
                model::format_memory(model::kSwarmMinMemoryBytes).c_str());
    }
    out.reasons.push_back(r + ".");
  }
  return out;
}

}  // namespace swarmform::advise
