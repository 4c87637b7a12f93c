#pragma once
// Changing one service: versioned read-modify-write of its owned fields,
// guarded by "still as planned"; create and delete.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reconciler/engine/docker_client.h"
#include "reconciler/engine/spec_rewrite.h"
#include "reconciler/model/owned_fields.h"
#include "reconciler/util/result.h"

namespace swarmform::apply {

/// How many times an update is re-read and re-posted after the engine's
/// "update out of sequence" (the version moved between our read and write).
inline constexpr int kMaxUpdateRetries = 3;

struct UpdateOutcome {
  std::string service_id;
  std::string service_name;
  bool posted = false;  ///< false: the live spec already was the rewritten one, no call made
  int attempts = 0;     ///< POSTs made: 1 plus one per "update out of sequence"
  uint64_t posted_version = 0;  ///< the Version.Index of the fresh read the accepted POST carried
  model::OwnedFields before;           ///< every owned field of the spec that was replaced
  nlohmann::json service;       ///< the service as inspected after the update (Version, Spec, ...)
  std::vector<std::string> warnings;  ///< the engine's Warnings, if any
};

/// Updates service `service_id` (ID or name): inspects it afresh; refuses with
/// ErrorKind::conflict ("<name>: changed since the plan ...: limits.cpus: 1.5
/// -> 2", planned -> now) when an owned field present in `expected_before`
/// moved; otherwise posts rewrite_spec(live, desired, labels) with the fresh
/// Version.Index.  On "update out of sequence" it starts over (fresh read,
/// guard, rewrite), at most kMaxUpdateRetries times.  When the rewrite equals
/// the live spec nothing is posted.  After a POST the service is inspected
/// again for the outcome.  Other failures: the engine's error, wrapped with
/// the service's name.  When the read after the POST already holds other
/// owned fields than those posted, someone else changed the service in
/// between: ErrorKind::conflict, "<name>: changed by someone else during
/// apply (written -> now): ...".  Does not wait for the tasks (see
/// convergence.h).
/// Not thread-safe (uses `client`).
Result<UpdateOutcome> update_service(engine::DockerClient& client, const std::string& service_id,
                                     const model::OwnedFields& expected_before, const model::OwnedFields& desired,
                                     const engine::Labels& labels);

/// Creates a service from the full `spec` (Name, TaskTemplate, Mode, ...) with
/// `labels` set in Spec.engine::Labels.  Returns the new service as inspected after
/// creation.  A taken name is the engine's ErrorKind::conflict.  Not
/// thread-safe (uses `client`).
Result<nlohmann::json> create_service(engine::DockerClient& client, const nlohmann::json& spec,
                                      const engine::Labels& labels);

/// Deletes service `service_id` after a fresh inspect passes the same guard
/// as update_service (ErrorKind::conflict when owned fields in
/// `expected_before` moved; ErrorKind::not_found when it is already gone).
/// The engine's DELETE takes no version: a change in the instant between the
/// check and the call is not caught.  Not thread-safe (uses `client`).
Result<void> delete_service(engine::DockerClient& client, const std::string& service_id,
                            const model::OwnedFields& expected_before);

}  // namespace swarmform::apply
