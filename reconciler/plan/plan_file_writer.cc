#include "reconciler/plan/plan_file.h"

#include "reconciler/model/quantity.h"
#include "reconciler/plan/applied_label.h"

// Writing the plan file: every key present, in the order the schema
// documents (format_version first), whatever version the plan was read from.

namespace swarmform::plan {
namespace {

using ojson = nlohmann::ordered_json;

ojson amounts(int64_t nano_cpus, int64_t memory_bytes) {
  return {{"nano_cpus", nano_cpus},
          {"cpus", model::format_cpus(nano_cpus)},
          {"memory_bytes", memory_bytes},
          {"memory", model::format_memory(memory_bytes)}};
}

ojson service_json(const model::Service& s) {
  ojson ports = ojson::array();
  for (const auto& p : s.ports) {
    ports.push_back({{"published", p.published}, {"target", p.target}, {"protocol", p.protocol}});
  }
  ojson out{{"name", s.name},
            {"match", s.match},
            {"host", s.host},
            {"limits", ojson(resource_spec_to_json(s.limits, HumanValues::yes))},
            {"reservations", ojson(resource_spec_to_json(s.reservations, HumanValues::yes))},
            {"allow_data_move", s.allow_data_move},
            {"command", s.command},
            {"env", s.env},
            {"labels", s.labels},
            {"ports", ports}};
  if (s.replicas) out["replicas"] = *s.replicas;
  // Written only when not the default, so a replicated create reads as before.
  if (s.mode != model::ServiceMode::replicated) out["mode"] = model::service_mode_name(s.mode);
  if (s.image) out["image"] = *s.image;
  return out;
}

ojson change_json(const ServiceChange& c) {
  ojson fields = ojson::array();
  for (const auto& f : c.changes) {
    fields.push_back(
        {{"field", f.field}, {"before", f.before}, {"after", f.after}, {"restarts", f.restarts}});
  }
  ojson out{{"name", c.name},
            {"action", action_name(c.action)},
            {"live_name", c.live_name},
            {"live_id", c.live_id},
            {"version_index", c.version_index},
            {"owned_hash", c.owned_hash},
            {"from_host", c.from_host},
            {"to_host", c.to_host},
            {"drift", drift_name(c.drift)},
            {"restarts_tasks", c.restarts_tasks},
            {"tasks_before", c.tasks_before},
            {"tasks_after", c.tasks_after},
            {"tasks_restarted", c.tasks_restarted()},
            {"changes", fields},
            {"desired", ojson(owned_to_json(c.desired_host, c.desired, HumanValues::yes))}};
  if (c.create) out["create"] = service_json(*c.create);
  return out;
}

ojson load_json(const model::HostLoad& l) {
  ojson services = ojson::array();
  for (const auto& s : l.services) {
    services.push_back(
        {{"service", s.service},
         {"tasks", s.tasks},
         {"limits", amounts(s.limits.nano_cpus, s.limits.memory_bytes)},
         {"reservations", amounts(s.reservations.nano_cpus, s.reservations.memory_bytes)},
         {"cpu_limit_missing", s.cpu_limit_missing},
         {"memory_limit_missing", s.memory_limit_missing}});
  }
  return {
      {"limits", amounts(l.limits.nano_cpus, l.limits.memory_bytes)},
      {"reservations", amounts(l.reservations.nano_cpus, l.reservations.memory_bytes)},
      {"cpu_limit_ratio", model::format_ratio(l.limits.nano_cpus, l.capacity.nano_cpus)},
      {"memory_limit_ratio", model::format_ratio(l.limits.memory_bytes, l.capacity.memory_bytes)},
      {"within_budget", l.fits()},
      {"services", services}};
}

ojson host_json(const HostProjection& h) {
  const model::HostLoad& l = h.after;
  ojson out{{"host", h.host},
            {"node", h.node},
            {"capacity", amounts(l.capacity.nano_cpus, l.capacity.memory_bytes)},
            {"budget",
             {{"cpu_nano", l.cpu_budget},
              {"cpu", model::format_cpus(l.cpu_budget) + "x"},
              {"memory_nano", l.memory_budget},
              {"memory", model::format_cpus(l.memory_budget) + "x"}}},
            {"capacity_matches", h.capacity_matches},
            {"before", load_json(h.before)},
            {"after", load_json(h.after)}};
  if (h.real) out["real"] = amounts(h.real->nano_cpus, h.real->memory_bytes);
  return out;
}

ojson desired_change_json(const DesiredChange& c) {
  ojson fields = ojson::array();
  for (const auto& f : c.changes)
    fields.push_back({{"field", f.field}, {"before", f.before}, {"after", f.after}});
  return {{"subject", c.subject}, {"kind", desired_change_kind_name(c.kind)}, {"changes", fields}};
}

ojson summary_json(const Plan& p) {
  return {{"create", p.count(Action::create)},
          {"update", p.count(Action::update)},
          {"delete", p.count(Action::remove)},
          {"no_op", p.count(Action::noop)},
          {"restart", p.restarting()},
          {"errors", p.count(model::Severity::error)},
          {"warnings", p.count(model::Severity::warning)},
          {"empty", p.empty()},
          {"blocked", p.blocked()},
          {"partial", p.partial()}};
}

}  // namespace

nlohmann::ordered_json encode_plan(const Plan& p) {
  ojson services = ojson::array();
  for (const auto& c : p.services) services.push_back(change_json(c));
  ojson hosts = ojson::array();
  for (const auto& h : p.hosts) hosts.push_back(host_json(h));
  ojson findings = ojson::array();
  for (const auto& f : p.findings) {
    findings.push_back({{"severity", f.severity == model::Severity::error ? "error" : "warning"},
                        {"subject", f.subject},
                        {"message", f.message}});
  }
  ojson out;
  out["format_version"] = p.format_version;
  if (!p.created_at.empty()) out["created_at"] = p.created_at;
  out["desired_hash"] = p.desired_hash;
  out["commit"] = p.commit;
  out["ref"] = p.ref;
  out["uncommitted"] = p.uncommitted;
  out["base"] = p.base;
  out["base_commit"] = p.base_commit;
  out["targets"] = p.targets;
  out["summary"] = summary_json(p);
  ojson desired_changes = ojson::array();
  for (const auto& c : p.desired_changes) desired_changes.push_back(desired_change_json(c));
  out["desired_changes"] = desired_changes;
  out["services"] = services;
  out["hosts"] = hosts;
  out["findings"] = findings;
  if (!p.stored.empty()) {
    ojson stored = ojson::array();
    for (const auto& c : p.stored) {
      ojson fields = ojson::array();
      for (const auto& f : c.changes) fields.push_back({{"field", f.field}, {"stored", f.before}, {"desired", f.after}});
      stored.push_back({{"service", c.service},
                        {"live_name", c.live_name},
                        {"system", c.system},
                        {"record_id", c.record_id},
                        {"changes", fields},
                        {"note", "a " + c.system + " redeploy would otherwise revert it"}});
    }
    out["stored"] = stored;
  }
  return out;
}

std::string plan_json_text(const Plan& plan) {
  return encode_plan(plan).dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

}  // namespace swarmform::plan
