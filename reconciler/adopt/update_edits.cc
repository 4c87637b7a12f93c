#include "reconciler/adopt/update_edits.h"

#include <algorithm>

#include "reconciler/adopt/import_mapping.h"
#include "reconciler/model/owned_fields.h"
#include "reconciler/model/quantity.h"
#include "reconciler/plan/match.h"

namespace swarmform::adopt {
namespace {

/// The path of an owned field under a service: {"limits", "cpus"}.
std::vector<std::string> field_path(const std::string& service, model::OwnedField f) {
  std::string name(model::owned_field_name(f));
  std::vector<std::string> path = {"services", service};
  size_t dot = name.find('.');
  if (dot == std::string::npos) {
    path.push_back(name);
  } else {
    path.push_back(name.substr(0, dot));
    path.push_back(name.substr(dot + 1));
  }
  return path;
}

/// The live value of a field as YAML writes it: "2", "1.5", "512MiB".
std::string yaml_value(const model::OwnedFields& live, model::OwnedField f) {
  switch (f) {
    case model::OwnedField::replicas: return std::to_string(live.replicas.value_or(0));
    case model::OwnedField::limits_cpus: return model::format_cpus(live.limits.nano_cpus.value_or(0));
    case model::OwnedField::limits_memory: return model::format_memory(live.limits.memory_bytes.value_or(0));
    case model::OwnedField::reservations_cpus: return model::format_cpus(live.reservations.nano_cpus.value_or(0));
    case model::OwnedField::reservations_memory:
      return model::format_memory(live.reservations.memory_bytes.value_or(0));
    case model::OwnedField::node: return live.node.value_or("");
  }
  return "";
}

/// Whether the live value is "none" (0), which a declared value cannot say.
bool live_none(const model::OwnedFields& live, model::OwnedField f) {
  switch (f) {
    case model::OwnedField::replicas: return !live.replicas;
    case model::OwnedField::limits_cpus: return live.limits.nano_cpus.value_or(0) == 0;
    case model::OwnedField::limits_memory: return live.limits.memory_bytes.value_or(0) == 0;
    case model::OwnedField::reservations_cpus: return live.reservations.nano_cpus.value_or(0) == 0;
    case model::OwnedField::reservations_memory: return live.reservations.memory_bytes.value_or(0) == 0;
    case model::OwnedField::node: return false;
  }
  return false;
}

void adopt_host(const model::DesiredState& desired, const model::Service& s, const model::LiveService& live,
                const model::LiveState& state, UpdateResult& out) {
  if (s.host.empty()) return;  // placement not owned
  auto declared = desired.hosts.find(s.host);
  std::optional<std::string> pinned = pinned_hostname(live, state);
  if (declared != desired.hosts.end() && pinned == declared->second.node) return;
  if (!pinned) {
    out.notes.push_back(s.name + ": runs pinned to no single node now; `host: " + s.host +
                        "` kept (remove it by hand to stop owning its placement)");
    return;
  }
  auto host = std::find_if(desired.hosts.begin(), desired.hosts.end(),
                           [&](const auto& h) { return h.second.node == *pinned; });
  if (host == desired.hosts.end()) {
    out.notes.push_back(s.name + ": is pinned to node " + *pinned + ", which no declared host is; `host: " + s.host +
                        "` kept");
    return;
  }
  out.edits.push_back({s.host_where.file, {"services", s.name, "host"}, host->first, "",
                       s.name + ": host " + s.host + " -> " + host->first});
}

}  // namespace

UpdateResult update_edits(const model::DesiredState& desired, const model::LiveState& live,
                          const std::vector<std::string>& targets) {
  UpdateResult out;
  plan::Matching matching = plan::match_services(desired, live);
  for (const auto& [name, s] : desired.services) {
    if (!targets.empty() && std::find(targets.begin(), targets.end(), name) == targets.end()) continue;
    const std::vector<size_t>& hits = matching.live_of.at(name);
    if (hits.size() != 1) {
      if (!targets.empty() || !hits.empty()) {
        out.notes.push_back(name + ": matches " + std::to_string(hits.size()) +
                            " live services; nothing adopted (it must match exactly one)");
      }
      continue;
    }
    const model::LiveService& l = live.services[hits.front()];
    const model::OwnedFields declared = model::declared_owned(s);
    const model::OwnedFields running = model::owned_fields_of(l);
    for (model::OwnedField f : model::kOwnedFields) {
      if (f == model::OwnedField::node || !model::owns(declared, f) || model::same_value(declared, running, f)) continue;
      const std::string field(model::owned_field_name(f));
      const std::string before = model::owned_field_text(declared, f).value_or("none");
      if (live_none(running, f)) {
        out.notes.push_back(name + ": " + field + " is " + before + " in the YAML and " +
                            (f == model::OwnedField::replicas ? "absent (not a replicated service)" : "none") +
                            " live; remove it by hand to adopt that");
        continue;
      }
      const std::string after = yaml_value(running, f);
      out.edits.push_back({s.where.file, field_path(name, f), after, "", name + ": " + field + " " + before + " -> " + after});
    }
    adopt_host(desired, s, l, live, out);
  }
  for (const auto& t : targets) {
    if (!desired.services.contains(t)) out.notes.push_back(t + ": --target names no declared service");
  }
  return out;
}

}  // namespace swarmform::adopt
