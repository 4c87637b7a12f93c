#include "reconciler/plan/applied_label.h"

#include "reconciler/model/quantity.h"
#include "reconciler/util/json_depth.h"

namespace swarmform::plan {
nlohmann::json resource_spec_to_json(const model::ResourceSpec& spec, HumanValues human) {
  nlohmann::json out = nlohmann::json::object();
  if (spec.nano_cpus) {
    out["nano_cpus"] = *spec.nano_cpus;
    if (human == HumanValues::yes) out["cpus"] = model::format_cpus(*spec.nano_cpus);
  }
  if (spec.memory_bytes) {
    out["memory_bytes"] = *spec.memory_bytes;
    if (human == HumanValues::yes) out["memory"] = model::format_memory(*spec.memory_bytes);
  }
  return out;
}

Result<model::ResourceSpec> resource_spec_from_json(const JsonReader& r) {
  model::ResourceSpec spec;
  SF_TRY_ASSIGN(auto cpus, r.optional_field("nano_cpus"));
  if (cpus) {
    SF_TRY_ASSIGN(spec.nano_cpus, cpus->non_negative());
  }
  SF_TRY_ASSIGN(auto memory, r.optional_field("memory_bytes"));
  if (memory) {
    SF_TRY_ASSIGN(spec.memory_bytes, memory->non_negative());
  }
  return spec;
}

nlohmann::json owned_to_json(const std::string& host, const model::OwnedFields& owned, HumanValues human) {
  nlohmann::json out = nlohmann::json::object();
  if (!host.empty()) out["host"] = host;
  if (owned.node && !owned.node->empty()) out["node"] = *owned.node;
  if (owned.replicas) out["replicas"] = *owned.replicas;
  if (owned.limits.nano_cpus || owned.limits.memory_bytes)
    out["limits"] = resource_spec_to_json(owned.limits, human);
  if (owned.reservations.nano_cpus || owned.reservations.memory_bytes) {
    out["reservations"] = resource_spec_to_json(owned.reservations, human);
  }
  return out;
}

Result<AppliedFields> owned_from_json(const JsonReader& r) {
  AppliedFields out;
  model::OwnedFields& owned = out.owned;
  SF_TRY_ASSIGN(auto host, r.optional_field("host"));
  if (host) {
    SF_TRY_ASSIGN(out.host, host->string());
  }
  SF_TRY_ASSIGN(auto node, r.optional_field("node"));
  if (node) {
    SF_TRY_ASSIGN(std::string name, node->string());
    if (!name.empty()) owned.node = std::move(name);  // "" pins to nothing: not owned
  }
  SF_TRY_ASSIGN(auto replicas, r.optional_field("replicas"));
  if (replicas) {
    SF_TRY_ASSIGN(owned.replicas, replicas->uint64());
  }
  SF_TRY_ASSIGN(auto limits, r.optional_field("limits"));
  if (limits) {
    SF_TRY_ASSIGN(owned.limits, resource_spec_from_json(*limits));
  }
  SF_TRY_ASSIGN(auto reservations, r.optional_field("reservations"));
  if (reservations) {
    SF_TRY_ASSIGN(owned.reservations, resource_spec_from_json(*reservations));
  }
  return out;
}

std::string encode_applied(const std::string& host, const model::OwnedFields& owned) {
  // ensure_ascii: a label value is shown by `docker service inspect` and by
  // us; every control character (C0, DEL, C1) and all non-ASCII is written
  // as a JSON \u escape, so the label is printable and decodes to the same value.
  return owned_to_json(host, owned, HumanValues::no)
      .dump(-1, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace);
}

Result<AppliedFields> decode_applied(std::string_view label) {
  if (!json_depth_within(label)) return fail(std::string(kAppliedLabel) + ": JSON nested too deep");
  nlohmann::json j = nlohmann::json::parse(label, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return fail(std::string(kAppliedLabel) + ": not valid JSON");
  if (!j.is_object()) return fail(std::string(kAppliedLabel) + ": expected a JSON object");
  return owned_from_json(JsonReader(j, kAppliedLabel));
}

}  // namespace swarmform::plan
