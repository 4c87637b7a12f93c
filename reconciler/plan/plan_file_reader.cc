#include "reconciler/plan/plan_file.h"

#include <functional>
#include <type_traits>

#include "reconciler/plan/applied_label.h"
#include "reconciler/plan/diff.h"
#include "reconciler/plan/json_reader.h"
#include "reconciler/plan/plan_match.h"

// Reading the plan file: any 1.x format version, field by field, stopping at
// the first field that is not what it should be (its path names it).

namespace swarmform::plan {
namespace {

using nlohmann::json;

/// The member `key` of `r` (required), read by `read_value`: a function of a
/// JsonReader or a JsonReader member such as &JsonReader::strings.
template <class ReadValue>
std::invoke_result_t<ReadValue, const JsonReader&> read_at(const JsonReader& r, const std::string& key,
                                                           ReadValue read_value) {
  SF_TRY_ASSIGN(JsonReader value, r.field(key));
  return std::invoke(read_value, value);
}

/// Each element of the array `list`, read by `read_one`.
template <class T, class ReadOne>
Result<std::vector<T>> read_elements(const JsonReader& list, ReadOne read_one) {
  SF_TRY_ASSIGN(std::vector<JsonReader> items, list.elements());
  std::vector<T> out;
  for (const auto& item : items) {
    SF_TRY_ASSIGN(T value, read_one(item));
    out.push_back(std::move(value));
  }
  return out;
}

/// The array `key` of `r`, each element read by `read_one`.
template <class T, class ReadOne>
Result<std::vector<T>> read_list(const JsonReader& r, const std::string& key, ReadOne read_one) {
  return read_at(r, key, [&](const JsonReader& list) { return read_elements<T>(list, read_one); });
}

Result<model::Resources> read_amounts(const JsonReader& r) {
  model::Resources out;
  SF_TRY_ASSIGN(JsonReader cpus, r.field("nano_cpus"));
  SF_TRY_ASSIGN(out.nano_cpus, cpus.non_negative());
  SF_TRY_ASSIGN(JsonReader memory, r.field("memory_bytes"));
  SF_TRY_ASSIGN(out.memory_bytes, memory.non_negative());
  return out;
}

Result<std::string> read_string(const JsonReader& r, const std::string& key) {
  return read_at(r, key, &JsonReader::string);
}

Result<bool> read_bool(const JsonReader& r, const std::string& key) {
  return read_at(r, key, &JsonReader::boolean);
}

Result<uint64_t> read_uint(const JsonReader& r, const std::string& key) {
  return read_at(r, key, &JsonReader::uint64);
}

Result<uint16_t> read_port_number(const JsonReader& r, const std::string& key) {
  SF_TRY_ASSIGN(JsonReader f, r.field(key));
  SF_TRY_ASSIGN(uint64_t n, f.uint64());
  if (n > 65535) return fail(f.error("expected a port number (0-65535)"));
  return static_cast<uint16_t>(n);
}

Result<model::PortSpec> read_port(const JsonReader& r) {
  model::PortSpec p;
  SF_TRY_ASSIGN(p.published, read_port_number(r, "published"));
  SF_TRY_ASSIGN(p.target, read_port_number(r, "target"));
  SF_TRY_ASSIGN(p.protocol, read_string(r, "protocol"));
  return p;
}

Result<model::Service> read_service(const JsonReader& r) {
  model::Service s;
  SF_TRY_ASSIGN(s.name, read_string(r, "name"));
  SF_TRY_ASSIGN(s.match, read_string(r, "match"));
  SF_TRY_ASSIGN(s.host, read_string(r, "host"));
  SF_TRY_ASSIGN(auto replicas, r.optional_field("replicas"));
  if (replicas) {
    SF_TRY_ASSIGN(s.replicas, replicas->uint64());
  }
  SF_TRY_ASSIGN(auto mode, r.optional_field("mode"));
  if (mode) {
    SF_TRY_ASSIGN(std::string name, mode->string());
    bool known = false;
    for (model::ServiceMode m : {model::ServiceMode::replicated, model::ServiceMode::global}) {
      if (name == model::service_mode_name(m)) {
        s.mode = m;
        known = true;
      }
    }
    // Jobs are never created; any other name is not a mode.
    if (!known) return fail(mode->error("a service to create is replicated or global, not '" + name + "'"));
  }
  SF_TRY_ASSIGN(s.limits, read_at(r, "limits", resource_spec_from_json));
  SF_TRY_ASSIGN(s.reservations, read_at(r, "reservations", resource_spec_from_json));
  SF_TRY_ASSIGN(s.allow_data_move, read_bool(r, "allow_data_move"));
  SF_TRY_ASSIGN(auto image, r.optional_field("image"));
  if (image) {
    SF_TRY_ASSIGN(s.image, image->string());
  }
  SF_TRY_ASSIGN(s.command, read_at(r, "command", &JsonReader::strings));
  SF_TRY_ASSIGN(s.env, read_at(r, "env", &JsonReader::string_map));
  SF_TRY_ASSIGN(s.labels, read_at(r, "labels", &JsonReader::string_map));
  SF_TRY_ASSIGN(s.ports, read_list<model::PortSpec>(r, "ports", read_port));
  return s;
}

/// {"field", "before", "after"}: a change of the desired state.
Result<FieldChange> read_field_text(const JsonReader& r) {
  FieldChange f;
  SF_TRY_ASSIGN(f.field, read_string(r, "field"));
  SF_TRY_ASSIGN(f.before, read_string(r, "before"));
  SF_TRY_ASSIGN(f.after, read_string(r, "after"));
  return f;
}

/// The same and "restarts": a change of a service.
Result<FieldChange> read_field_change(const JsonReader& r) {
  SF_TRY_ASSIGN(FieldChange f, read_field_text(r));
  SF_TRY_ASSIGN(f.restarts, read_bool(r, "restarts"));
  return f;
}

/// What a change shows is made from the values apply writes, never taken
/// from the text beside them: each field change of an update shows the owned
/// value `desired` holds (a field it does not own is refused); a create owns
/// and shows exactly what the service it carries declares; a delete or a
/// no-op shows no field changes.  So `show` cannot print one thing while
/// apply writes another.
Result<void> derive_shown(ServiceChange& c, const JsonReader& changes) {
  switch (c.action) {
    case Action::noop:
    case Action::remove:
      c.changes.clear();
      c.restarts_tasks = false;
      return {};
    case Action::create:
      // desired.host absent: an unpinned create (then desired.node is too).
      if (c.desired_host.empty() && c.desired.node)
        return fail(changes.error("a create that pins a node needs desired.host"));
      c.desired.replicas = c.create->replicas;
      c.desired.limits = c.create->limits;
      c.desired.reservations = c.create->reservations;
      c.changes = create_changes(*c.create, c.desired_host);
      c.restarts_tasks = false;
      return {};
    case Action::update:
      break;
  }
  bool new_template = false;
  for (size_t i = 0; i < c.changes.size(); ++i) {
    FieldChange& f = c.changes[i];
    std::optional<std::string> value = owned_field_text(c.desired_host, c.desired, f.field);
    if (!value) {
      return fail(JsonReader(changes.json()[i], changes.path() + "[" + std::to_string(i) + "]")
                      .error("field '" + f.field + "' is not an owned value of \"desired\""));
    }
    f.after = *value;
    f.restarts = f.field != "replicas";  // a new task template
    new_template = new_template || f.restarts;
  }
  c.restarts_tasks = new_template && std::min(c.tasks_before, c.tasks_after) > 0;
  return {};
}

Result<ServiceChange> read_change(const JsonReader& r) {
  ServiceChange c;
  SF_TRY_ASSIGN(c.name, read_string(r, "name"));
  SF_TRY_ASSIGN(JsonReader action, r.field("action"));
  SF_TRY_ASSIGN(std::string action_text, action.string());
  std::optional<Action> a = parse_action(action_text);
  if (!a)
    return fail(
        action.error("unknown action '" + action_text + "' (no-op, create, update or delete)"));
  c.action = *a;
  SF_TRY_ASSIGN(c.live_name, read_string(r, "live_name"));
  SF_TRY_ASSIGN(c.live_id, read_string(r, "live_id"));
  SF_TRY_ASSIGN(c.version_index, read_uint(r, "version_index"));
  SF_TRY_ASSIGN(c.owned_hash, read_string(r, "owned_hash"));
  SF_TRY_ASSIGN(c.from_host, read_string(r, "from_host"));
  SF_TRY_ASSIGN(c.to_host, read_string(r, "to_host"));
  SF_TRY_ASSIGN(JsonReader drift, r.field("drift"));
  SF_TRY_ASSIGN(std::string drift_text, drift.string());
  std::optional<Drift> d = parse_drift(drift_text);
  if (!d) return fail(drift.error("unknown drift '" + drift_text + "'"));
  c.drift = *d;
  SF_TRY_ASSIGN(c.restarts_tasks, read_bool(r, "restarts_tasks"));
  SF_TRY_ASSIGN(c.tasks_before, read_uint(r, "tasks_before"));
  SF_TRY_ASSIGN(c.tasks_after, read_uint(r, "tasks_after"));
  SF_TRY_ASSIGN(JsonReader changes, r.field("changes"));
  SF_TRY_ASSIGN(c.changes, read_elements<FieldChange>(changes, read_field_change));
  SF_TRY_ASSIGN(AppliedFields applied, read_at(r, "desired", owned_from_json));
  c.desired = std::move(applied.owned);
  c.desired_host = std::move(applied.host);
  SF_TRY_ASSIGN(auto create, r.optional_field("create"));
  if (create) {
    SF_TRY_ASSIGN(c.create, read_service(*create));
  }
  if (c.action == Action::create && !c.create)
    return fail(r.error("a create needs \"create\": the service"));
  SF_TRY(derive_shown(c, changes));
  return c;
}

Result<model::ServiceLoad> read_service_load(const JsonReader& r) {
  model::ServiceLoad s;
  SF_TRY_ASSIGN(s.service, read_string(r, "service"));
  SF_TRY_ASSIGN(s.tasks, read_uint(r, "tasks"));
  SF_TRY_ASSIGN(s.limits, read_at(r, "limits", read_amounts));
  SF_TRY_ASSIGN(s.reservations, read_at(r, "reservations", read_amounts));
  SF_TRY_ASSIGN(s.cpu_limit_missing, read_bool(r, "cpu_limit_missing"));
  SF_TRY_ASSIGN(s.memory_limit_missing, read_bool(r, "memory_limit_missing"));
  return s;
}

Result<model::HostLoad> read_load(const JsonReader& r, const model::HostLoad& frame) {
  model::HostLoad l = frame;
  SF_TRY_ASSIGN(l.limits, read_at(r, "limits", read_amounts));
  SF_TRY_ASSIGN(l.reservations, read_at(r, "reservations", read_amounts));
  SF_TRY_ASSIGN(l.services, read_list<model::ServiceLoad>(r, "services", read_service_load));
  return l;
}

Result<HostProjection> read_host(const JsonReader& r) {
  HostProjection h;
  SF_TRY_ASSIGN(h.host, read_string(r, "host"));
  SF_TRY_ASSIGN(h.node, read_string(r, "node"));
  model::HostLoad frame;
  frame.host = h.host;
  SF_TRY_ASSIGN(model::Resources cap, read_at(r, "capacity", read_amounts));
  frame.capacity = {cap.nano_cpus, cap.memory_bytes};
  SF_TRY_ASSIGN(JsonReader budget, r.field("budget"));
  SF_TRY_ASSIGN(JsonReader cpu_budget, budget.field("cpu_nano"));
  SF_TRY_ASSIGN(frame.cpu_budget, cpu_budget.non_negative());
  SF_TRY_ASSIGN(JsonReader memory_budget, budget.field("memory_nano"));
  SF_TRY_ASSIGN(frame.memory_budget, memory_budget.non_negative());
  SF_TRY_ASSIGN(h.capacity_matches, read_bool(r, "capacity_matches"));
  auto read_framed_load = [&](const JsonReader& load) { return read_load(load, frame); };
  SF_TRY_ASSIGN(h.before, read_at(r, "before", read_framed_load));
  SF_TRY_ASSIGN(h.after, read_at(r, "after", read_framed_load));
  SF_TRY_ASSIGN(auto real, r.optional_field("real"));
  if (real) {
    SF_TRY_ASSIGN(model::Resources rc, read_amounts(*real));
    h.real = model::Capacity{rc.nano_cpus, rc.memory_bytes};
  }
  return h;
}

Result<Finding> read_finding(const JsonReader& r) {
  Finding f;
  SF_TRY_ASSIGN(JsonReader severity, r.field("severity"));
  SF_TRY_ASSIGN(std::string sev, severity.string());
  if (sev == "error") {
    f.severity = model::Severity::error;
  } else if (sev == "warning") {
    f.severity = model::Severity::warning;
  } else {
    return fail(severity.error("unknown severity '" + sev + "' (error or warning)"));
  }
  SF_TRY_ASSIGN(f.subject, read_string(r, "subject"));
  SF_TRY_ASSIGN(f.message, read_string(r, "message"));
  return f;
}

Result<DesiredChange> read_desired_change(const JsonReader& r) {
  DesiredChange c;
  SF_TRY_ASSIGN(c.subject, read_string(r, "subject"));
  SF_TRY_ASSIGN(JsonReader kind, r.field("kind"));
  SF_TRY_ASSIGN(std::string kind_text, kind.string());
  std::optional<DesiredChange::Kind> k = parse_desired_change_kind(kind_text);
  if (!k) return fail(kind.error("unknown kind '" + kind_text + "' (added, removed or changed)"));
  c.kind = *k;
  SF_TRY_ASSIGN(c.changes, read_list<FieldChange>(r, "changes", read_field_text));
  return c;
}

/// Like read_list, but a missing key reads as no items (keys added in 1.1).
template <class T, class ReadOne>
Result<std::vector<T>> read_optional_list(const JsonReader& r, const std::string& key,
                                          ReadOne read_one) {
  SF_TRY_ASSIGN(auto present, r.optional_field(key));
  if (!present) return std::vector<T>{};
  return read_list<T>(r, key, read_one);
}

Result<FieldChange> read_stored_field(const JsonReader& r) {
  FieldChange f;
  SF_TRY_ASSIGN(f.field, read_string(r, "field"));
  SF_TRY_ASSIGN(f.before, read_string(r, "stored"));
  SF_TRY_ASSIGN(f.after, read_string(r, "desired"));
  return f;
}

Result<StoredChange> read_stored_change(const JsonReader& r) {
  StoredChange c;
  SF_TRY_ASSIGN(c.service, read_string(r, "service"));
  SF_TRY_ASSIGN(c.live_name, read_string(r, "live_name"));
  SF_TRY_ASSIGN(c.system, read_string(r, "system"));
  SF_TRY_ASSIGN(c.record_id, read_string(r, "record_id"));
  SF_TRY_ASSIGN(c.changes, read_list<FieldChange>(r, "changes", read_stored_field));
  return c;
}

/// The string `key`, or "" when it is missing (keys added in 1.1).
Result<std::string> read_optional_string(const JsonReader& r, const std::string& key) {
  SF_TRY_ASSIGN(auto present, r.optional_field(key));
  if (!present) return std::string();
  return present->string();
}

Result<void> check_version(const JsonReader& root, std::string* version) {
  SF_TRY_ASSIGN(JsonReader v, root.field("format_version"));
  SF_TRY_ASSIGN(*version, v.string());
  std::string supported = kPlanFormatVersion;
  std::string major = supported.substr(0, supported.find('.') + 1);
  if (version->rfind(major, 0) != 0) {
    return fail(v.error("unsupported plan format '" + *version + "' (this swarmform reads " +
                        supported.substr(0, supported.find('.')) + ".x)"));
  }
  return {};
}

}  // namespace

Result<Plan> decode_plan(const json& document) {
  JsonReader root(document, "");
  if (!document.is_object()) return fail(root.error("expected a JSON object"));
  Plan p;
  SF_TRY(check_version(root, &p.format_version));
  SF_TRY_ASSIGN(auto created_at, root.optional_field("created_at"));
  if (created_at) {
    SF_TRY_ASSIGN(p.created_at, created_at->string());
  }
  SF_TRY_ASSIGN(p.desired_hash, read_string(root, "desired_hash"));
  SF_TRY_ASSIGN(p.commit, read_string(root, "commit"));
  // ref .. desired_changes came with 1.1: a 1.0 plan reads as a working tree
  // with nothing recorded as uncommitted and no base.
  SF_TRY_ASSIGN(p.ref, read_optional_string(root, "ref"));
  SF_TRY_ASSIGN(auto uncommitted, root.optional_field("uncommitted"));
  if (uncommitted) {
    SF_TRY_ASSIGN(p.uncommitted, uncommitted->strings());
  }
  SF_TRY_ASSIGN(p.base, read_optional_string(root, "base"));
  SF_TRY_ASSIGN(p.base_commit, read_optional_string(root, "base_commit"));
  SF_TRY_ASSIGN(p.targets, read_at(root, "targets", &JsonReader::strings));
  SF_TRY_ASSIGN(p.desired_changes,
                read_optional_list<DesiredChange>(root, "desired_changes", read_desired_change));
  SF_TRY_ASSIGN(p.services, read_list<ServiceChange>(root, "services", read_change));
  SF_TRY_ASSIGN(p.hosts, read_list<HostProjection>(root, "hosts", read_host));
  SF_TRY_ASSIGN(p.findings, read_list<Finding>(root, "findings", read_finding));
  // `stored` (integrations.dokploy) is written only when non-empty.
  SF_TRY_ASSIGN(p.stored, read_optional_list<StoredChange>(root, "stored", read_stored_change));
  return p;
}

Result<Plan> parse_plan_json_text(std::string_view text) {
  json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return fail("plan: not valid JSON");
  return decode_plan(document);
}

}  // namespace swarmform::plan
