#pragma once
// One apply at a time per swarm: a lock stored in the swarm itself, as a
// docker config whose name is the lock.  Creating a config with a taken name
// fails atomically on the manager (HTTP 409 "config ... already exists"), so
// two applies racing for it cannot both win.

#include <string>
#include <string_view>

#include "reconciler/apply/lock_info.h"
#include "reconciler/engine/docker_client.h"
#include "reconciler/util/result.h"

namespace swarmform::apply {

inline constexpr std::string_view kLockConfigName = "swarmform-lock";

/// A held lock: the config that records it, and what it records.
struct Lock {
  std::string config_id;
  std::string config_name;
  LockInfo info;
};

/// Takes the lock by creating config `config_name` holding `info`.  When it is
/// held: ErrorKind::conflict with lock_held_message() (holder, age, `swarmform
/// unlock LOCK_ID`); if the holder's config cannot be read as a lock, the
/// message says so and how to remove it.  Other engine errors as they are.
/// Not thread-safe (uses `client`).
Result<Lock> acquire_lock(engine::DockerClient& client, const LockInfo& info,
                          std::string_view config_name = kLockConfigName);

/// Releases `lock` by deleting its config (by ID, so a lock taken since by
/// someone else is never touched).  ErrorKind::not_found when it is already
/// gone (removed by `swarmform unlock`).  Not thread-safe (uses `client`).
Result<void> release_lock(engine::DockerClient& client, const Lock& lock);

/// The current holder, or nullopt when the lock is free.  Not thread-safe.
Result<std::optional<LockInfo>> read_lock(engine::DockerClient& client,
                                          std::string_view config_name = kLockConfigName);

/// Whether force_unlock may remove the lock of a holder still running here.
enum class RemoveLive { no, yes };

/// Removes the lock when its id is `lock_id` and returns what it recorded.
/// Refuses (ErrorKind::conflict, naming the current holder) when the lock
/// held now has another id, and when its holder still runs on this host
/// (holder_state() running_here) unless `live` is RemoveLive::yes (`unlock
/// --force`); ErrorKind::not_found when no lock is held.
/// Not thread-safe (uses `client`).
Result<LockInfo> force_unlock(engine::DockerClient& client, std::string_view lock_id,
                              RemoveLive live = RemoveLive::no,
                              std::string_view config_name = kLockConfigName);

/// Checks `lock` is still held by us: its config still exists under its
/// name, with our lock id.  ErrorKind::conflict with "the lock ID was taken
/// away ..." naming who holds it now (or saying it was removed) when not;
/// other engine errors as they are.  Not thread-safe (uses `client`).
Result<void> check_lock_held(engine::DockerClient& client, const Lock& lock);

}  // namespace swarmform::apply
