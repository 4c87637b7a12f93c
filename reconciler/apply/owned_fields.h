#pragma once
// The fields of a service spec that swarmform owns: replicas, CPU and memory
// limits and reservations, and the one `node.hostname==<node>` placement
// constraint.  Everything else in a spec belongs to someone else and is kept.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/util/result.h"

namespace swarmform::apply {

/// Service labels (Spec.Labels), name -> value.
using Labels = std::map<std::string, std::string>;

/// A value for each owned field; an absent field is not owned (left as it is,
/// not compared).  Docker's convention holds: 0 for a limit or reservation
/// means "none".  `node` is a swarm node hostname; "" means "no hostname
/// constraint".  (The `{}` initializers let callers name only some fields:
/// `OwnedFields{.replicas = 2}`.)
struct OwnedFields {
  std::optional<uint64_t> replicas{};
  std::optional<int64_t> limit_nano_cpus{};
  std::optional<int64_t> limit_memory_bytes{};
  std::optional<int64_t> reservation_nano_cpus{};
  std::optional<int64_t> reservation_memory_bytes{};
  std::optional<std::string> node{};

  bool operator==(const OwnedFields&) const = default;
};

/// Every owned field as the service spec `spec` (a `Spec` object as
/// `GET /services` returns it) holds it: replicas only for replicated
/// services (absent for global ones and jobs); resources 0 when absent; node
/// from the first `node.hostname==X` constraint, "" when there is none.
/// Fails naming the JSON path of a value of the wrong type.  Pure.
Result<OwnedFields> read_owned_fields(const nlohmann::json& spec);

/// For each field present in `expected` whose value in `actual` differs (or is
/// absent there): "limits.cpus: 1.5 -> 2", in a fixed field order.  Empty when
/// all of them match.  Pure.
std::vector<std::string> owned_field_changes(const OwnedFields& expected,
                                             const OwnedFields& actual);

/// The present fields as "replicas=2 limits.cpus=1.5 limits.memory=1GiB
/// node=kvm2" (for messages and logs).  Pure.
std::string describe(const OwnedFields& fields);

}  // namespace swarmform::apply
