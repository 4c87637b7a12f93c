#pragma once
// integrations.dokploy in a command: reading Dokploy's stored values into a
// plan, and writing them before apply touches a service.  Without the
// integration every function here does nothing.

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "reconciler/adopt/import_mapping.h"
#include "reconciler/cli/engine_connection.h"
#include "reconciler/dokploy/client.h"
#include "reconciler/model/desired.h"
#include "reconciler/model/live.h"
#include "reconciler/plan/plan.h"
#include "reconciler/render/style.h"
#include "reconciler/util/result.h"

namespace swarmform::cli {

/// The Dokploy of `state` read whole, or nullopt when the state declares
/// none or --skip-dokploy says so (then a loud warning on stderr and, when
/// `plan` is given, a warning finding in it).  An unreachable Dokploy, a
/// wrong key or an unset key variable is an error that names --skip-dokploy.
Result<std::optional<dokploy::Inventory>> read_dokploy(const model::DesiredState& state,
                                                      const ConnectionOptions& connection,
                                                      plan::Plan* plan = nullptr);

/// Reads Dokploy (as read_dokploy) and adds its differing stored values to
/// `plan` (dokploy::add_stored_changes).
Result<void> add_dokploy_to_plan(plan::Plan& plan, const model::DesiredState& state, const model::LiveState& live,
                                 const ConnectionOptions& connection);


/// What apply wrote to Dokploy before the swarm.
struct DokployWrites {
  std::vector<std::string> written;            ///< services whose stored values now match
  std::map<std::string, std::string> failed;   ///< service -> why its write failed
};

/// Before apply changes the swarm: Dokploy read again (under the lock), and
/// for every service of `plan` (not a create or delete) it runs as an
/// application whose stored values differ from the service's desired owned
/// fields, application.update with only those fields (no redeploy).  Each
/// write is said on `out`.  A write that fails is in `failed`: the caller
/// leaves that service out of the swarm run.  Dokploy unreachable (or the
/// key refused) is an error: nothing was written.
Result<DokployWrites> write_dokploy_first(const plan::Plan& plan, const model::DesiredState& state,
                                          const ConnectionOptions& connection, std::ostream& out,
                                          const render::Style& style);

/// `plan` without the changes of the services whose Dokploy write failed
/// (they stay as they are in the swarm).
plan::Plan without_failed_writes(const plan::Plan& plan, const DokployWrites& writes);

/// import: marks each imported service Dokploy runs as an application
/// (a comment on its entry: Dokploy's applicationId); with `from_dokploy`,
/// takes Dokploy's stored replicas, limits and reservations where they
/// differ from the live ones.  Returns the notes that say which value was
/// taken where they differ.
std::vector<std::string> mark_dokploy_managed(adopt::ImportResult& result, const dokploy::Inventory& inventory,
                                              bool from_dokploy);

}  // namespace swarmform::cli
