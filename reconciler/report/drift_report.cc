#include "reconciler/report/drift_report.h"

#include <algorithm>

#include "reconciler/model/quantity.h"

namespace swarmform::report {

std::string_view cause_name(Cause c) {
  switch (c) {
    case Cause::changed_outside: return "changed_outside";
    case Cause::changed_in_git: return "changed_in_git";
    case Cause::both: return "both";
    case Cause::not_applied: return "not_applied";
    case Cause::missing: return "missing";
    case Cause::removed_from_git: return "removed_from_git";
    case Cause::dokploy_stored: return "dokploy_stored";
  }
  return "not_applied";
}

std::string_view cause_words(Cause c) {
  switch (c) {
    case Cause::changed_outside: return "changed outside swarmform";
    case Cause::changed_in_git: return "changed in git, not applied yet";
    case Cause::both: return "changed in git and outside swarmform";
    case Cause::not_applied: return "differs; never applied by swarmform";
    case Cause::missing: return "declared in git, missing from the swarm";
    case Cause::removed_from_git: return "removed from git, still in the swarm";
    case Cause::dokploy_stored: return "Dokploy stores other values: its next deploy will revert this service";
  }
  return "";
}

std::string_view status_name(Status s) {
  switch (s) {
    case Status::in_sync: return "in_sync";
    case Status::drift: return "drift";
    case Status::error: return "error";
  }
  return "error";
}

double HostCommitment::cpu_ratio() const {
  return cpu_capacity > 0 ? static_cast<double>(cpu_limits) / static_cast<double>(cpu_capacity) : 0.0;
}
double HostCommitment::memory_ratio() const {
  return memory_capacity > 0 ? static_cast<double>(memory_limits) / static_cast<double>(memory_capacity) : 0.0;
}

size_t DriftReport::count(Cause c) const {
  return static_cast<size_t>(std::count_if(services.begin(), services.end(),
                                           [c](const DriftedService& s) { return s.cause == c; }));
}

int DriftReport::exit_code() const {
  switch (status) {
    case Status::in_sync: return 0;
    case Status::drift: return 2;
    case Status::error: return 1;
  }
  return 1;
}

namespace {

Cause cause_of(const plan::ServiceChange& s) {
  if (plan::creates(s.action)) return Cause::missing;
  if (plan::removes(s.action)) return Cause::removed_from_git;
  switch (s.drift) {
    case plan::Drift::changed_outside: return Cause::changed_outside;
    case plan::Drift::changed_in_git: return Cause::changed_in_git;
    case plan::Drift::both: return Cause::both;
    case plan::Drift::none: return Cause::not_applied;
  }
  return Cause::not_applied;
}

}  // namespace

DriftReport drift_report(const plan::Plan& plan, int64_t checked_at_unix, std::string checked_at) {
  DriftReport r;
  r.checked_at = std::move(checked_at);
  r.checked_at_unix = checked_at_unix;
  r.commit = plan.commit;
  r.ref = plan.ref;
  r.uncommitted = plan.uncommitted;
  for (const auto& s : plan.services) {
    if (!plan::is_change(s.action)) continue;
    DriftedService d;
    d.name = s.name;
    d.live_name = plan::creates(s.action) ? "" : s.live_name;
    d.cause = cause_of(s);
    // A create lists every declared field from "none": that is the service
    // missing, not a field drifting; keep the list for the reader anyway.
    d.changes = s.changes;
    r.services.push_back(std::move(d));
  }
  for (const auto& s : plan.stored) {
    r.services.push_back({s.service, s.live_name, Cause::dokploy_stored, s.changes});
  }
  std::stable_sort(r.services.begin(), r.services.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  r.findings = plan.findings;
  for (const auto& h : plan.hosts) {
    HostCommitment c;
    c.host = h.host;
    c.cpu_limits = h.before.limits.nano_cpus;
    c.memory_limits = h.before.limits.memory_bytes;
    c.cpu_capacity = h.before.capacity.nano_cpus;
    c.memory_capacity = h.before.capacity.memory_bytes;
    r.hosts.push_back(std::move(c));
  }
  std::sort(r.hosts.begin(), r.hosts.end(), [](const auto& a, const auto& b) { return a.host < b.host; });
  if (plan.blocked()) {
    r.status = Status::error;
    r.error = std::to_string(plan.count(model::Severity::error)) +
              " blocking finding(s): apply could not repair the swarm until they are fixed";
  } else {
    r.status = r.services.empty() ? Status::in_sync : Status::drift;
  }
  return r;
}

DriftReport failed_drift_report(std::string error, int64_t checked_at_unix, std::string checked_at) {
  DriftReport r;
  r.checked_at = std::move(checked_at);
  r.checked_at_unix = checked_at_unix;
  r.status = Status::error;
  r.check_ran = false;
  r.error = std::move(error);
  return r;
}

nlohmann::ordered_json encode_drift_report(const DriftReport& r) {
  nlohmann::ordered_json out;
  out["format_version"] = r.format_version;
  out["checked_at"] = r.checked_at;
  out["status"] = status_name(r.status);
  out["exit_code"] = r.exit_code();
  out["check_ran"] = r.check_ran;
  if (!r.error.empty()) out["error"] = r.error;
  out["commit"] = r.commit;
  out["ref"] = r.ref;
  out["uncommitted"] = r.uncommitted;
  nlohmann::ordered_json counts = nlohmann::ordered_json::object();
  for (Cause c : kAllCauses) counts[std::string(cause_name(c))] = r.count(c);
  out["drifted"] = r.services.size();
  out["by_cause"] = counts;
  nlohmann::ordered_json services = nlohmann::ordered_json::array();
  for (const auto& s : r.services) {
    nlohmann::ordered_json changes = nlohmann::ordered_json::array();
    const char* before = s.cause == Cause::dokploy_stored ? "stored" : "live";
    for (const auto& c : s.changes) changes.push_back({{"field", c.field}, {before, c.before}, {"desired", c.after}});
    services.push_back({{"name", s.name},
                        {"live_name", s.live_name},
                        {"cause", cause_name(s.cause)},
                        {"cause_text", cause_words(s.cause)},
                        {"changes", changes}});
  }
  out["services"] = services;
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  for (const auto& f : r.findings) {
    findings.push_back({{"severity", f.severity == model::Severity::error ? "error" : "warning"},
                        {"subject", f.subject},
                        {"message", f.message}});
  }
  out["findings"] = findings;
  nlohmann::ordered_json hosts = nlohmann::ordered_json::array();
  for (const auto& h : r.hosts) {
    hosts.push_back({{"host", h.host},
                     {"cpu_limits", model::format_cpus(h.cpu_limits)},
                     {"cpu_capacity", model::format_cpus(h.cpu_capacity)},
                     {"cpu_ratio", h.cpu_ratio()},
                     {"memory_limits", model::format_memory(h.memory_limits)},
                     {"memory_capacity", model::format_memory(h.memory_capacity)},
                     {"memory_ratio", h.memory_ratio()}});
  }
  out["hosts"] = hosts;
  return out;
}

}  // namespace swarmform::report
