#pragma once
// The fields of a swarm service that swarmform owns — replicas, CPU and
// memory limits and reservations, and its one placement constraint
// `node.hostname==<node>` — as one value, with the one list of them
// (kOwnedFields) that plans, drift, labels, messages and the engine's spec
// mapping walk instead of naming the fields one by one.  Everything else in a
// service belongs to somebody else.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconciler/model/desired.h"
#include "reconciler/model/live.h"

namespace swarmform::model {

/// A value for each owned field; an absent field is not owned (not declared:
/// never compared, never written).  Docker's conventions hold: 0 for a limit
/// or reservation means "none"; node "" means "no node.hostname constraint".
/// (The `{}` initializers let callers name only some fields:
/// `OwnedFields{.replicas = 2}`.)
struct OwnedFields {
  std::optional<uint64_t> replicas{};
  ResourceSpec limits{};
  ResourceSpec reservations{};
  std::optional<std::string> node{};  ///< a swarm node hostname

  bool operator==(const OwnedFields&) const = default;
};

enum class OwnedField { replicas, limits_cpus, limits_memory, reservations_cpus, reservations_memory, node };

/// Every owned field, in the order plans and messages list them.  A switch
/// over OwnedField names each once more where the field needs its own code
/// (the engine's JSON paths); the compiler sees to it that none is left out.
inline constexpr std::array kOwnedFields = {
    OwnedField::replicas,          OwnedField::limits_cpus,         OwnedField::limits_memory,
    OwnedField::reservations_cpus, OwnedField::reservations_memory, OwnedField::node};

/// "replicas", "limits.cpus", "limits.memory", "reservations.cpus",
/// "reservations.memory", "node".
std::string_view owned_field_name(OwnedField f);

/// Whether the field is part of the task template: changing it replaces
/// every task (all but replicas).
bool in_task_template(OwnedField f);

/// Whether `fields` owns `f` (holds a value for it).
bool owns(const OwnedFields& fields, OwnedField f);

/// Whether `a` and `b` hold the same value for `f` (neither owning it counts
/// as the same).
bool same_value(const OwnedFields& a, const OwnedFields& b, OwnedField f);

/// `fields` with only the fields that `owner` owns.
OwnedFields only_owned_by(const OwnedFields& fields, const OwnedFields& owner);

/// The value of `f` as people read it: "2", "1.5", "1GiB", "none" for a 0
/// quantity, "(no node.hostname constraint)" for node ""; nullopt when
/// `fields` does not own it.
std::optional<std::string> owned_field_text(const OwnedFields& fields, OwnedField f);

/// For each field present in `expected` whose value in `actual` differs (or
/// is absent there): "limits.cpus: 1.5 -> 2", in kOwnedFields order.  Empty
/// when all of them match.
std::vector<std::string> owned_field_changes(const OwnedFields& expected, const OwnedFields& actual);

/// The present fields as "replicas=2 limits.cpus=1.5 limits.memory=1GiB
/// node=kvm2" (for messages and logs); "(no owned fields)" when none.
std::string describe(const OwnedFields& fields);

/// The owned fields `service` declares itself: replicas, limits and
/// reservations (its node comes from its host).
OwnedFields declared_owned(const Service& service);

/// Every owned field as the live service holds it: replicas only for a
/// replicated service (absent for global ones and jobs), quantities 0 when
/// none, node from the first `node.hostname==X` constraint ("" when none,
/// as swarmkit applies them all).
OwnedFields owned_fields_of(const LiveService& live);

/// `live` with the owned fields of `owned` written over it (fields absent
/// from `owned` keep their live value; replicas are ignored for global
/// services; the constraints as placement_constraints() writes them).
/// Everything swarmform does not own is kept as it was.
LiveService with_owned(const LiveService& live, const OwnedFields& owned);

}  // namespace swarmform::model
