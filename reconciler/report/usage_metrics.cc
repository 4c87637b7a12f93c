#include "reconciler/report/usage_metrics.h"

#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <optional>

#include "reconciler/model/quantity.h"
#include "reconciler/report/exposition.h"
#include "reconciler/util/file.h"

namespace swarmform::report {
namespace {

/// A sample value as Prometheus parses it: fmt prints without locale, the
/// shortest form that reads back ("2.61", "10", "1e+20").
std::optional<std::string> value(double v) {
  if (!std::isfinite(v)) return std::nullopt;
  return fmt::format("{}", v == 0 ? 0.0 : v);
}

/// One family: its HELP and TYPE lines and a sample per item that has a
/// value, or nothing at all when no item has one.
template <typename T>
void gauge(std::string& out, const char* name, const char* help, const std::vector<T>& items,
           const std::function<std::string(const T&)>& labels,
           const std::function<std::optional<std::string>(const T&)>& sample) {
  std::string lines;
  for (const auto& item : items) {
    if (auto v = sample(item)) lines += fmt::format("{}{{{}}} {}\n", name, labels(item), *v);
  }
  if (lines.empty()) return;
  family(out, name, help);
  out += lines;
}

std::string service_labels(const usage::ServiceUsage& s) {
  return fmt::format("service=\"{}\",host=\"{}\"", label_value(s.name), label_value(s.host));
}

std::string host_labels(const usage::HostUsage& h) {
  return fmt::format("host=\"{}\"", label_value(h.name));
}

}  // namespace

std::string usage_metrics_text(const usage::UsageReport& r) {
  using usage::HostUsage;
  using usage::ServiceUsage;
  using Sample = std::optional<std::string>;
  std::string out;
  if (auto w = value(r.window_seconds)) {
    family(out, "swarmform_usage_window_seconds",
           "Length of the window the usage figures were measured over.");
    out += "swarmform_usage_window_seconds " + *w + "\n";
  }
  gauge<ServiceUsage>(out, "swarmform_service_cpu_used_cores",
                      "CPU a service's measured tasks used on a host over the window, in cores.",
                      r.services, service_labels,
                      [](const ServiceUsage& s) { return value(s.cpu_used); });
  gauge<ServiceUsage>(
      out, "swarmform_service_cpu_limit_cores",
      "CPU limit of a service's measured tasks on a host, in cores (absent: no limit).", r.services,
      service_labels, [](const ServiceUsage& s) -> Sample {
        if (!s.cpu_limit_nano || *s.cpu_limit_nano <= 0) return std::nullopt;
        return value(static_cast<double>(*s.cpu_limit_nano) / model::kNano);
      });
  gauge<ServiceUsage>(
      out, "swarmform_service_cpu_throttled_ratio",
      "Share of CFS periods in which a service's tasks were throttled over the window (0..1).",
      r.services, service_labels, [](const ServiceUsage& s) { return value(s.throttled_ratio); });
  gauge<ServiceUsage>(
      out, "swarmform_service_memory_used_bytes",
      "Memory a service's measured tasks used on a host, page cache excluded, in bytes.",
      r.services, service_labels,
      [](const ServiceUsage& s) -> Sample { return std::to_string(s.memory_used_bytes); });
  gauge<ServiceUsage>(
      out, "swarmform_service_memory_limit_bytes",
      "Memory limit of a service's measured tasks on a host, in bytes (absent: no limit).",
      r.services, service_labels, [](const ServiceUsage& s) -> Sample {
        if (!s.memory_limit_bytes || *s.memory_limit_bytes <= 0) return std::nullopt;
        return std::to_string(*s.memory_limit_bytes);
      });
  gauge<HostUsage>(
      out, "swarmform_host_load1", "Load average over 1 minute of a host.", r.hosts, host_labels,
      [](const HostUsage& h) -> Sample { return h.load1 ? value(*h.load1) : std::nullopt; });
  gauge<HostUsage>(out, "swarmform_host_busy_cpus",
                   "CPUs a host was busy over the window, swarm or not.", r.hosts, host_labels,
                   [](const HostUsage& h) -> Sample {
                     return h.busy_cpus ? value(*h.busy_cpus) : std::nullopt;
                   });
  gauge<HostUsage>(
      out, "swarmform_host_swarm_cpus", "CPUs the swarm tasks of a host used over the window.",
      r.hosts, host_labels,
      [](const HostUsage& h) -> Sample { return h.error ? std::nullopt : value(h.swarm_cpus); });
  return out;
}

Result<void> write_metrics_text(const std::string& path, const std::string& text) {
  SF_TRY(write_output_file(path, text, kReadableFileMode));
  return {};
}

}  // namespace swarmform::report
