#pragma once
// The labels swarmform writes on the services it manages, and the JSON of
// the owned fields it applied, so that a later plan can tell a change made
// outside swarmform (drift) from a change in git.
//
// `swarmform.applied` holds one compact JSON object; absent keys are fields
// swarmform did not own when it applied:
//   {"host":"kvm2","limits":{"memory_bytes":1073741824,"nano_cpus":1500000000},
//    "node":"kvm2","replicas":2,"reservations":{"nano_cpus":500000000}}
// CPUs are nano-CPUs and memory is bytes, exact integers; keys are sorted.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "reconciler/plan/json_reader.h"
#include "reconciler/model/owned_fields.h"
#include "reconciler/util/result.h"

namespace swarmform::plan {

inline constexpr const char* kManagedLabel = "swarmform.managed";  ///< "true" on managed services
inline constexpr const char* kAppliedLabel = "swarmform.applied";  ///< encode_applied(...)
inline constexpr const char* kCommitLabel = "swarmform.commit";    ///< the commit applied

/// Whether to add human strings ("cpus": "1.5", "memory": "1GiB") beside the
/// exact integers.  The label has none; the plan file has them for readers.
enum class HumanValues { no, yes };

/// {"nano_cpus": n, "memory_bytes": n} with the declared keys only (plus
/// "cpus"/"memory" strings when `human` is yes).
nlohmann::json resource_spec_to_json(const model::ResourceSpec& spec, HumanValues human);
Result<model::ResourceSpec> resource_spec_from_json(const JsonReader& reader);

/// What the label (and a plan's "desired") records: the owned fields and
/// the declared host they were written for.  The host is a name in the
/// desired state, not a swarm field; `owned.node` is what the swarm holds.
struct AppliedFields {
  std::string host;  ///< empty when unknown
  model::OwnedFields owned;
};

nlohmann::json owned_to_json(const std::string& host, const model::OwnedFields& owned, HumanValues human);

/// Reads what owned_to_json wrote (human strings and unknown keys ignored;
/// an empty node is no node).  On failure the error names the field under
/// `reader`'s path.
Result<AppliedFields> owned_from_json(const JsonReader& reader);

/// The value of the `swarmform.applied` label for `owned` written for `host`.
std::string encode_applied(const std::string& host, const model::OwnedFields& owned);

/// Parses a `swarmform.applied` label value; an error says what is wrong.
Result<AppliedFields> decode_applied(std::string_view label);

}  // namespace swarmform::plan
