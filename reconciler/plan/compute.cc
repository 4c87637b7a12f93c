#include "reconciler/plan/compute.h"

#include <algorithm>
#include <map>
#include <optional>

#include "reconciler/model/owned_fields.h"
#include "reconciler/plan/applied_label.h"
#include "reconciler/plan/diff.h"
#include "reconciler/plan/feasibility.h"
#include "reconciler/plan/match.h"
#include "reconciler/plan/projection.h"
#include "reconciler/plan/topology.h"
#include "reconciler/plan/wording.h"

namespace swarmform::plan {
namespace {

using model::Severity;

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

bool managed(const model::LiveService& s) {
  auto it = s.labels.find(kManagedLabel);
  return it != s.labels.end() && it->second == "true";
}

std::vector<std::string> unique_targets(const std::vector<std::string>& targets) {
  std::vector<std::string> out;
  for (const auto& t : targets) {
    if (!contains(out, t)) out.push_back(t);
  }
  return out;
}

/// The plan under construction, with what the host projection needs.
class Planner {
 public:
  Planner(const model::DesiredState& desired, const model::LiveState& live,
          const PlanOptions& options)
      : desired_(desired),
        live_(live),
        topology_(desired, live),
        matching_(match_services(desired, live)) {
    plan_.created_at = options.created_at;
    plan_.desired_hash = options.desired_hash;
    plan_.commit = options.commit;
    plan_.targets = unique_targets(options.targets);
  }

  Plan run() {
    check_targets();
    for (const auto& [name, service] : desired_.services) {
      if (in_scope(name)) plan_declared(service);
    }
    check_shared_matches();
    plan_undeclared();
    check_nodes(desired_, topology_, plan_.services, findings_);
    finish_hosts();
    std::stable_partition(findings_.begin(), findings_.end(),
                          [](const Finding& f) { return f.severity == Severity::error; });
    plan_.findings = std::move(findings_);
    return std::move(plan_);
  }

 private:
  [[nodiscard]] bool in_scope(const std::string& name) const {
    return plan_.targets.empty() || contains(plan_.targets, name);
  }

  void check_targets() {
    for (const auto& t : plan_.targets) {
      if (desired_.services.contains(t)) continue;
      bool live_managed =
          std::any_of(live_.services.begin(), live_.services.end(),
                      [&t](const model::LiveService& s) { return s.name == t && managed(s); });
      if (!live_managed) {
        findings_.push_back(
            {Severity::error, "target " + t,
             "names no declared service and no live service that swarmform manages"});
      }
    }
  }

  void plan_declared(const model::Service& service) {
    const model::Host* host = nullptr;  // none: not pinned, placement not owned
    if (!service.host.empty()) {
      auto it = desired_.hosts.find(service.host);
      if (it == desired_.hosts.end()) {
        findings_.push_back(
            {Severity::error, service.name, "its host '" + service.host + "' is not declared"});
        return;
      }
      host = &it->second;
    }
    const std::string& pattern = service.match.empty() ? service.name : service.match;
    const std::vector<size_t>& hits = matching_.live_of.at(service.name);
    if (hits.size() > 1) {
      std::vector<std::string> names;
      for (size_t i : hits) names.push_back(live_.services[i].name);
      findings_.push_back({Severity::error, service.name,
                           "'" + pattern + "' matches " + std::to_string(hits.size()) +
                               " live services (" + join(names) +
                               "); make `match` select exactly one"});
      return;
    }
    if (hits.empty()) {
      if (service.image) {
        plan_.services.push_back(plan_create(service, host, topology_));
        created_.push_back({service.name, created_service(service, plan_.services.back().desired)});
      } else {
        findings_.push_back({Severity::error, service.name,
                             "not found in the swarm: no live service matches '" + pattern +
                                 "' (declare an `image` to let swarmform create it)"});
      }
      return;
    }
    size_t i = hits.front();
    if (matching_.declared_of[i].size() > 1) return;  // reported by check_shared_matches
    const model::LiveService& live = live_.services[i];
    if (std::string declared = model::service_mode_name(service.mode); live.mode != declared) {
      // Spec.Mode cannot be updated: the engine refuses it.
      findings_.push_back({Severity::error, service.name,
                           "runs in " + live.mode + " mode; the desired state says " + declared +
                               ": the swarm cannot change a service's mode in place — remove and recreate "
                               "it, or declare `mode: " + live.mode + "`"});
      return;
    }
    ServiceChange change = diff_service(service, host, live, topology_, findings_);
    check_data_move(service, live, change, topology_, findings_);
    after_[i] = model::with_owned(live, change.desired);
    plan_.services.push_back(std::move(change));
  }

  void check_shared_matches() {
    for (size_t i = 0; i < live_.services.size(); ++i) {
      const auto& claims = matching_.declared_of[i];
      if (claims.size() < 2) continue;
      if (std::none_of(claims.begin(), claims.end(),
                       [this](const std::string& c) { return in_scope(c); }))
        continue;
      findings_.push_back({Severity::error, live_.services[i].name,
                           "is matched by several declared services (" + join(claims) +
                               "); a live service may be declared once"});
    }
  }

  void plan_undeclared() {
    std::vector<size_t> unlimited;
    std::vector<size_t> limited;
    std::vector<size_t> order(live_.services.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [this](size_t a, size_t b) {
      return live_.services[a].name < live_.services[b].name;
    });
    for (size_t i : order) {
      const model::LiveService& s = live_.services[i];
      if (!matching_.declared_of[i].empty()) continue;
      if (managed(s)) {
        plan_managed_undeclared(i);
      } else if (!plan_.partial() && desired_.policy.unmanaged != model::UnmanagedPolicy::ignore) {
        (s.limits.nano_cpus == 0 || s.limits.memory_bytes == 0 ? unlimited : limited).push_back(i);
      }
    }
    for (size_t i : unlimited) unmanaged_finding(live_.services[i]);
    for (size_t i : limited) unmanaged_finding(live_.services[i]);
  }

  void plan_managed_undeclared(size_t i) {
    const model::LiveService& s = live_.services[i];
    if (!in_scope(s.name)) return;
    if (desired_.policy.prune) {
      plan_.services.push_back(plan_remove(s, topology_));
      after_[i] = std::nullopt;
    } else {
      findings_.push_back(
          {Severity::warning, s.name,
           std::string("carries ") + kManagedLabel +
               "=true but is no longer declared: kept (set policy.prune: true to delete it)"});
    }
  }

  void unmanaged_finding(const model::LiveService& s) {
    bool is_error = desired_.policy.unmanaged == model::UnmanagedPolicy::error;
    std::string message = "is not declared in the desired state";
    std::vector<std::string> hosts = topology_.placed_hosts(s);
    if (!hosts.empty()) message += " (runs on " + join(hosts) + ")";
    std::string missing;
    if (s.limits.nano_cpus == 0) missing = "CPU";
    if (s.limits.memory_bytes == 0) missing += missing.empty() ? "memory" : " or memory";
    if (!missing.empty()) message += " and has no " + missing + " limit: it may use the whole host";
    message += std::string(" [policy.unmanaged: ") + (is_error ? "error" : "warn") + "]";
    findings_.push_back({is_error ? Severity::error : Severity::warning, s.name, message});
  }

  void finish_hosts() {
    std::vector<Placed> now;
    std::vector<Placed> then;
    for (size_t i = 0; i < live_.services.size(); ++i) {
      const model::LiveService& s = live_.services[i];
      const auto& claims = matching_.declared_of[i];
      std::string label = claims.size() == 1 ? claims.front() : s.name;
      now.push_back({label, s});
      auto it = after_.find(i);
      if (it == after_.end()) {
        then.push_back({label, s});
      } else if (it->second) {
        then.push_back({label, *it->second});
      }
    }
    for (const auto& c : created_) then.push_back(c);
    plan_.hosts = project_hosts(desired_, topology_, now, then);
    check_capacity(plan_.hosts, findings_);
  }

  const model::DesiredState& desired_;
  const model::LiveState& live_;
  Topology topology_;
  Matching matching_;
  Plan plan_;
  std::vector<Finding> findings_;
  std::map<size_t, std::optional<model::LiveService>>
      after_;  ///< live index -> after the plan (nullopt: deleted)
  std::vector<Placed> created_;
};

}  // namespace

Plan compute_plan(const model::DesiredState& desired, const model::LiveState& live,
                  const PlanOptions& options) {
  return Planner(desired, live, options).run();
}

}  // namespace swarmform::plan
