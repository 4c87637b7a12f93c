#include "reconciler/report/metrics.h"

#include <fmt/format.h>

#include "reconciler/report/exposition.h"
#include "reconciler/report/usage_metrics.h"

namespace swarmform::report {

std::string drift_metrics_text(const DriftReport& r) {
  std::string out;
  family(out, "swarmform_drift_check_success", "1 when the last drift check ran to the end, 0 when it failed.");
  out += fmt::format("swarmform_drift_check_success {}\n",
                     r.check_ran ? 1 : 0);
  family(out, "swarmform_drift_last_check_timestamp_seconds", "Unix time of the last drift check.");
  out += fmt::format("swarmform_drift_last_check_timestamp_seconds {}\n", r.checked_at_unix);
  family(out, "swarmform_drift_status", "0 in sync, 1 drift, 2 error (as the exit codes 0, 2, 1).");
  out += fmt::format("swarmform_drift_status {}\n", r.status == Status::in_sync ? 0 : r.status == Status::drift ? 1 : 2);
  family(out, "swarmform_drifted_services", "Services whose live state differs from the desired state, by cause.");
  for (Cause c : kAllCauses) out += fmt::format("swarmform_drifted_services{{cause=\"{}\"}} {}\n", cause_name(c), r.count(c));
  size_t errors = 0, warnings = 0;
  for (const auto& f : r.findings) (f.severity == model::Severity::error ? errors : warnings)++;
  family(out, "swarmform_findings", "Findings of the plan behind the check, by severity (errors block apply).");
  out += fmt::format("swarmform_findings{{severity=\"error\"}} {}\nswarmform_findings{{severity=\"warning\"}} {}\n",
                     errors, warnings);
  if (!r.hosts.empty()) {
    family(out, "swarmform_host_committed_cpu_ratio",
           "CPU limits x running tasks of the host's services over its declared CPUs.");
    for (const auto& h : r.hosts) {
      out += fmt::format("swarmform_host_committed_cpu_ratio{{host=\"{}\"}} {:.4f}\n", label_value(h.host), h.cpu_ratio());
    }
    family(out, "swarmform_host_committed_memory_ratio",
           "Memory limits x running tasks of the host's services over its declared memory.");
    for (const auto& h : r.hosts) {
      out += fmt::format("swarmform_host_committed_memory_ratio{{host=\"{}\"}} {:.4f}\n", label_value(h.host),
                         h.memory_ratio());
    }
  }
  return out;
}

Result<void> write_metrics_file(const std::string& path, const DriftReport& report) {
  return write_metrics_text(path, drift_metrics_text(report));
}

}  // namespace swarmform::report
