#pragma once
// One change's request to the engine, per action: delete, create, update.
// Each returns what it posted (a line for the report, the service to wait
// on) or the failure; await_or_roll_back.h waits on what was posted.

#include <nlohmann/json.hpp>
#include <string>

#include "reconciler/engine/docker_client.h"
#include "reconciler/model/live.h"
#include "reconciler/plan/plan.h"
#include "reconciler/util/result.h"

namespace swarmform::apply {

struct Posted {
  std::string line;        ///< the finished step for the report: "+ web: created"
  nlohmann::json service;  ///< the service as read after the request (not for a delete)
  bool posted = true;      ///< false only for an update the engine already held
};

/// Deletes `change`'s service, guarded by the owned fields `live` holds of it.
/// Not thread-safe (uses `client`).
Result<Posted> delete_step(engine::DockerClient& client, const plan::ServiceChange& change,
                           const model::LiveState& live);

/// Creates `change`'s service with the labels `plan` records.
/// Not thread-safe (uses `client`).
Result<Posted> create_step(engine::DockerClient& client, const plan::Plan& plan, const plan::ServiceChange& change);

/// Updates `change`'s service, guarded by only the owned fields this change
/// writes (an undeclared field is not ours to defend); fails when `live`
/// does not hold it.  Not thread-safe (uses `client`).
Result<Posted> update_step(engine::DockerClient& client, const plan::Plan& plan, const plan::ServiceChange& change,
                           const model::LiveState& live);

}  // namespace swarmform::apply
