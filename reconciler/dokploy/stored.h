#pragma once
// Dokploy's stored copy of what swarmform owns, as plain values, and the
// JSON of its API both ways (pure: no I/O, tested with plain values).
//
// Module `dokploy/` (ARCHITECTURE.md, "Folders"): Dokploy's HTTP API — the
// applications it deploys, their stored limits, reservations, replicas and
// placement (`stored.h`), read and written over HTTPS with libcurl
// (`client.h`, the only file of this module that links libcurl).  Depends on
// model and util; nlohmann-json in its interface.  It does not log.
//
// Why it exists: every Dokploy deploy rebuilds the whole Swarm service spec
// from Dokploy's database (mechanizeDockerContainer in Dokploy's
// packages/server/src/utils/builders/index.ts), so a value swarmform writes
// only to the swarm lasts until Dokploy's next deploy.
//
// Field names and types, from Dokploy/dokploy
// packages/server/src/db/schema/application.ts (commit 0015f081df77f52d195abfa827a2ac8e626684e5):
//   applicationId text, appName text (the swarm service's name), replicas
//   integer NOT NULL default 1, placementSwarm json (PlacementSwarm:
//   {Constraints?: string[], Preferences?, MaxReplicas?, Platforms?}),
//   cpuLimit, memoryLimit, cpuReservation, memoryReservation: text, and
//   `apiUpdateApplication = createSchema.partial().extend({applicationId})`,
//   whose zod types for the four are `z.string().optional()`.
// Their units, from calculateResources in packages/server/src/utils/docker/utils.ts:
//   `NanoCPUs: cpuLimit ? Number.parseInt(cpuLimit) : undefined` and
//   `MemoryBytes: memoryLimit ? Number.parseInt(memoryLimit) : undefined`:
//   nano-CPUs and bytes, integers written as decimal strings; null or "" is
//   "no limit".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reconciler/util/result.h"

namespace swarmform::dokploy {

/// One Dokploy application (an `application` row), the fields swarmform owns.
struct StoredApplication {
  std::string application_id;
  std::string app_name;  ///< the swarm service's name
  std::string name;      ///< Dokploy's display name
  std::optional<int64_t> cpu_limit;           ///< nano-CPUs; nullopt: none stored
  std::optional<int64_t> memory_limit;        ///< bytes
  std::optional<int64_t> cpu_reservation;     ///< nano-CPUs
  std::optional<int64_t> memory_reservation;  ///< bytes
  int64_t replicas = 1;
  /// placementSwarm.Constraints; empty when placementSwarm is null (Dokploy
  /// then deploys with no constraints).
  std::vector<std::string> constraints;
  /// placementSwarm as stored (null when none), kept whole so a write that
  /// changes Constraints keeps Preferences, MaxReplicas and Platforms.
  nlohmann::json placement = nullptr;

  bool operator==(const StoredApplication&) const = default;
};

/// One Dokploy compose service (a `compose` row): its stack's services are
/// labelled com.docker.stack.namespace=<appName>, and their limits live in
/// the compose file, which swarmform does not write.
struct StoredCompose {
  std::string compose_id;
  std::string app_name;      ///< the stack's namespace
  std::string name;          ///< Dokploy's display name
  std::string compose_path;  ///< composePath: the compose file in its source (default ./docker-compose.yml)

  bool operator==(const StoredCompose&) const = default;
};

/// Every application and compose service the API key can see.
struct Inventory {
  std::vector<StoredApplication> applications;
  std::vector<StoredCompose> composes;

  [[nodiscard]] const StoredApplication* application(const std::string& app_name) const;
  [[nodiscard]] const StoredCompose* compose(const std::string& app_name) const;
};

/// The fields application.update sets: only those present are sent.
struct ApplicationUpdate {
  std::string application_id;
  /// Each: nullopt = leave as stored (swarmform writes only what the
  /// desired state declares).
  std::optional<int64_t> cpu_limit;
  std::optional<int64_t> memory_limit;
  std::optional<int64_t> cpu_reservation;
  std::optional<int64_t> memory_reservation;
  std::optional<int64_t> replicas;
  std::optional<nlohmann::json> placement;

  [[nodiscard]] bool empty() const {
    return !cpu_limit && !memory_limit && !cpu_reservation && !memory_reservation && !replicas && !placement;
  }
};

/// The ids `project.all` lists: projects[].environments[].applications[] and
/// .compose[] (Dokploy/dokploy apps/dokploy/server/api/routers/project.ts,
/// commit 010a6e2a7627954b72e6632524db4d2c045d95a0: each application only
/// {applicationId, name, applicationStatus}, each compose {composeId, name,
/// composeStatus}; Dokploy before environments listed them on the project
/// itself, which is read too).
struct ProjectIds {
  std::vector<std::string> application_ids;
  std::vector<std::string> compose_ids;
};
Result<ProjectIds> parse_project_all(const std::string& body);

/// `application.one`'s answer (the whole row and its relations).
Result<StoredApplication> parse_application(const std::string& body);

/// `compose.one`'s answer.
Result<StoredCompose> parse_compose(const std::string& body);

/// The JSON body of `application.update`: applicationId and only the fields
/// `update` sets, the four resources as decimal strings.
nlohmann::json update_body(const ApplicationUpdate& update);

}  // namespace swarmform::dokploy
