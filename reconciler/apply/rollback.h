#pragma once
// Rolling a service back to the spec it had before the last update.
//
// On Docker 20.10 (API 1.41), found on the lab:
//  - `POST /services/{id}/update?version=N&rollback=previous` swaps Spec and
//    PreviousSpec in one step (the body is required but ignored): right after
//    the call, Spec is the previous spec and PreviousSpec the failed one.  A
//    second rollback therefore goes forward again — hence the guard below.
//  - The tasks follow with the service's RollbackConfig.  With stop-first
//    (Docker's default), a rollback from a task that is pending and never
//    got a node ("no suitable node") waits for that task to stop, which it
//    never reports; swarmkit gives up waiting after one minute (its old-task
//    timeout), so such a rollback converges about 60 s after the call.  From
//    rejected or failed tasks it converges in about a second.

#include <nlohmann/json.hpp>
#include <string>

#include "reconciler/apply/convergence.h"
#include "reconciler/engine/docker_client.h"
#include "reconciler/model/owned_fields.h"
#include "reconciler/util/result.h"

namespace swarmform::apply {

struct RollbackOutcome {
  nlohmann::json service;  ///< the service as inspected right after the rollback call
  model::OwnedFields restored;    ///< the owned fields of its spec now (those of the previous spec)
  int attempts = 0;        ///< rollback calls made (1 plus one per "update out of sequence")
  Converged converged;
};

/// Rolls `service_id` back and waits for it to converge to the previous spec.
/// `expected_current` is what the failed update wrote (its `desired`): the
/// rollback is refused with ErrorKind::conflict when the owned fields present
/// in it moved since — someone else changed the service, and rolling back
/// would undo their change (or redo ours).  Also fails when the service has no
/// PreviousSpec, when the engine's spec after the call does not carry the
/// owned fields of the previous one, after kMaxUpdateRetries "update out of
/// sequence" answers, or as wait_for_convergence() does, judged as a
/// rollback ("<name>: previous spec restored, but its tasks did not start:
/// <name>: a task of the previous spec stayed pending for 5.0s: no suitable
/// node (...)"): a rollback succeeds only once tasks of the previous spec run.
/// Not thread-safe.
Result<RollbackOutcome> rollback(engine::DockerClient& client, const std::string& service_id,
                                 const model::OwnedFields& expected_current,
                                 const ConvergenceOptions& options = {},
                                 const ProgressFn& progress = {});

}  // namespace swarmform::apply
