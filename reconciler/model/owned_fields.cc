#include "reconciler/model/owned_fields.h"

#include <utility>

#include "reconciler/model/placement.h"
#include "reconciler/model/quantity.h"

namespace swarmform::model {
namespace {

/// Calls `visit(member)` with `member(fields)` the field `f` of any
/// OwnedFields: the one place that maps a field to its member.
template <class Visit>
decltype(auto) with_member(OwnedField f, Visit&& visit) {
  switch (f) {
    case OwnedField::replicas:
      return visit([](auto& o) -> auto& { return o.replicas; });
    case OwnedField::limits_cpus:
      return visit([](auto& o) -> auto& { return o.limits.nano_cpus; });
    case OwnedField::limits_memory:
      return visit([](auto& o) -> auto& { return o.limits.memory_bytes; });
    case OwnedField::reservations_cpus:
      return visit([](auto& o) -> auto& { return o.reservations.nano_cpus; });
    case OwnedField::reservations_memory:
      return visit([](auto& o) -> auto& { return o.reservations.memory_bytes; });
    case OwnedField::node:
      return visit([](auto& o) -> auto& { return o.node; });
  }
  std::unreachable();
}

bool is_cpus(OwnedField f) { return f == OwnedField::limits_cpus || f == OwnedField::reservations_cpus; }

std::string text(OwnedField, uint64_t replicas) { return std::to_string(replicas); }
std::string text(OwnedField f, int64_t quantity) {
  return is_cpus(f) ? cpus_or_none(quantity) : memory_or_none(quantity);
}
std::string text(OwnedField, const std::string& node) {
  return node.empty() ? "(no node.hostname constraint)" : node;
}

}  // namespace

std::string_view owned_field_name(OwnedField f) {
  switch (f) {
    case OwnedField::replicas: return "replicas";
    case OwnedField::limits_cpus: return "limits.cpus";
    case OwnedField::limits_memory: return "limits.memory";
    case OwnedField::reservations_cpus: return "reservations.cpus";
    case OwnedField::reservations_memory: return "reservations.memory";
    case OwnedField::node: return "node";
  }
  std::unreachable();
}

bool in_task_template(OwnedField f) { return f != OwnedField::replicas; }

bool owns(const OwnedFields& fields, OwnedField f) {
  return with_member(f, [&](auto member) { return member(fields).has_value(); });
}

bool same_value(const OwnedFields& a, const OwnedFields& b, OwnedField f) {
  return with_member(f, [&](auto member) { return member(a) == member(b); });
}

OwnedFields only_owned_by(const OwnedFields& fields, const OwnedFields& owner) {
  OwnedFields out = fields;
  for (OwnedField f : kOwnedFields) {
    if (!owns(owner, f)) with_member(f, [&](auto member) { member(out).reset(); });
  }
  return out;
}

std::optional<std::string> owned_field_text(const OwnedFields& fields, OwnedField f) {
  return with_member(f, [&](auto member) -> std::optional<std::string> {
    const auto& value = member(fields);
    if (!value) return std::nullopt;
    return text(f, *value);
  });
}

std::vector<std::string> owned_field_changes(const OwnedFields& expected, const OwnedFields& actual) {
  std::vector<std::string> out;
  for (OwnedField f : kOwnedFields) {
    auto want = owned_field_text(expected, f);
    if (!want || same_value(expected, actual, f)) continue;
    out.push_back(std::string(owned_field_name(f)) + ": " + *want + " -> " +
                  owned_field_text(actual, f).value_or("(not set)"));
  }
  return out;
}

std::string describe(const OwnedFields& fields) {
  std::string out;
  for (OwnedField f : kOwnedFields) {
    auto value = owned_field_text(fields, f);
    if (!value) continue;
    if (!out.empty()) out += ' ';
    out += std::string(owned_field_name(f)) + "=" + *value;
  }
  return out.empty() ? "(no owned fields)" : out;
}

OwnedFields declared_owned(const Service& service) {
  return {.replicas = service.replicas, .limits = service.limits, .reservations = service.reservations};
}

OwnedFields owned_fields_of(const LiveService& live) {
  OwnedFields out;
  out.replicas = live.replicas;
  out.limits = {live.limits.nano_cpus, live.limits.memory_bytes};
  out.reservations = {live.reservations.nano_cpus, live.reservations.memory_bytes};
  out.node = "";
  for (const auto& c : live.constraints) {
    if (auto pinned = pinned_node(c)) {
      out.node = *pinned;  // the first pin, as swarmkit applies them all
      break;
    }
  }
  return out;
}

LiveService with_owned(const LiveService& live, const OwnedFields& owned) {
  LiveService out = live;
  if (owned.node) out.constraints = placement_constraints(live.constraints, *owned.node);
  if (owned.replicas && !live.global) out.replicas = owned.replicas;
  auto overlay = [](Resources& to, const ResourceSpec& from) {
    if (from.nano_cpus) to.nano_cpus = *from.nano_cpus;
    if (from.memory_bytes) to.memory_bytes = *from.memory_bytes;
  };
  overlay(out.limits, owned.limits);
  overlay(out.reservations, owned.reservations);
  return out;
}

}  // namespace swarmform::model
