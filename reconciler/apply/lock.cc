#include "reconciler/apply/lock.h"

#include <fmt/format.h>

#include "reconciler/engine/json_field.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::apply {
namespace {

/// The holder's config and what it records.
struct Holder {
  std::string config_id;
  Result<LockInfo> info;
};

Result<std::optional<Holder>> read_holder(engine::DockerClient& client,
                                          std::string_view config_name) {
  auto config = client.inspect_config(config_name);
  if (!config) {
    if (config.error().kind == ErrorKind::not_found) return std::optional<Holder>();
    return fail(config.error().wrap(fmt::format("reading the lock {}", config_name)));
  }
  engine::JsonField c(&*config, "config");
  SF_TRY_ASSIGN(std::string id, c.string_at({"ID"}));
  return std::optional<Holder>(Holder{id, lock_from_config(*config)});
}

std::string unreadable(std::string_view config_name, const Holder& h) {
  return fmt::format(
      "the lock {} (config {}) exists but is not a swarmform lock ({}); if no apply is running, "
      "remove it with: docker config rm {}",
      config_name, printable(h.config_id), printable(h.info.error().message), config_name);
}

}  // namespace

Result<Lock> acquire_lock(engine::DockerClient& client, const LockInfo& info,
                          std::string_view config_name) {
  // The holder may release between our create and our read: try again then.
  constexpr int kAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    auto created = client.create_config(lock_config_spec(info, config_name));
    if (created) return Lock{*created, std::string(config_name), info};
    if (created.error().kind != ErrorKind::conflict) {
      return fail(created.error().wrap(fmt::format("taking the lock {}", config_name)));
    }
    SF_TRY_ASSIGN(std::optional<Holder> holder, read_holder(client, config_name));
    if (!holder) {
      if (attempt < kAttempts) continue;
      return fail(fmt::format("taking the lock {}: it was taken and released {} times while we "
                              "tried; try again",
                              config_name, kAttempts),
                  ErrorKind::conflict);
    }
    if (!holder->info) return fail(unreadable(config_name, *holder), ErrorKind::conflict);
    return fail(lock_held_message(*holder->info, std::chrono::system_clock::now(),
                                  holder_state(*holder->info)),
                ErrorKind::conflict);
  }
}

Result<void> release_lock(engine::DockerClient& client, const Lock& lock) {
  auto deleted = client.delete_config(lock.config_id);
  if (deleted) return {};
  if (deleted.error().kind == ErrorKind::not_found) {
    return fail(
        fmt::format("releasing lock {}: it was already removed (swarmform unlock?)",
                    printable(lock.info.id)),
        ErrorKind::not_found);
  }
  return fail(deleted.error().wrap("releasing lock " + printable(lock.info.id)));
}

Result<std::optional<LockInfo>> read_lock(engine::DockerClient& client,
                                          std::string_view config_name) {
  SF_TRY_ASSIGN(std::optional<Holder> holder, read_holder(client, config_name));
  if (!holder) return std::optional<LockInfo>();
  if (!holder->info) return fail(unreadable(config_name, *holder));
  return std::optional<LockInfo>(*holder->info);
}

Result<LockInfo> force_unlock(engine::DockerClient& client, std::string_view lock_id,
                              RemoveLive live, std::string_view config_name) {
  SF_TRY_ASSIGN(std::optional<Holder> holder, read_holder(client, config_name));
  const std::string id = printable(lock_id);
  if (!holder) {
    return fail(fmt::format("unlock {}: no lock is held on this swarm", id), ErrorKind::not_found);
  }
  if (!holder->info) return fail(unreadable(config_name, *holder), ErrorKind::conflict);
  const LockInfo& held = *holder->info;
  if (held.id != lock_id) {
    return fail(fmt::format("unlock {}: refused, the lock held now is {} (taken by {}, pid {}, "
                            "at {}), not {}",
                            id, printable(held.id), printable(held.who), held.pid,
                            printable(held.created), id),
                ErrorKind::conflict);
  }
  if (live == RemoveLive::no && holder_state(held) == HolderState::running_here) {
    return fail(fmt::format("unlock {}: refused, its holder is still running: {} (pid {} on this "
                            "host, since {}). Stop that apply (SIGINT or SIGTERM: it releases the "
                            "lock itself), or pass --force to remove the lock anyway (the holder "
                            "then stops before its next wave)",
                            id, printable(held.who), held.pid, printable(held.created)),
                ErrorKind::conflict);
  }
  // By config ID: if the lock was released and taken again meanwhile, the new
  // config has another ID and this delete finds nothing.
  auto deleted = client.delete_config(holder->config_id);
  if (!deleted) return fail(deleted.error().wrap(fmt::format("unlock {}", id)));
  return held;
}

Result<void> check_lock_held(engine::DockerClient& client, const Lock& lock) {
  SF_TRY_ASSIGN(std::optional<Holder> holder, read_holder(client, lock.config_name));
  const std::string id = printable(lock.info.id);
  if (!holder) {
    return fail(fmt::format("the lock {} was taken away by someone: it no longer exists (removed by "
                            "`swarmform unlock --force` or `docker config rm {}`)",
                            id, lock.config_name),
                ErrorKind::conflict);
  }
  if (!holder->info) {
    return fail(fmt::format("the lock {} was taken away by someone: {}", id,
                            unreadable(lock.config_name, *holder)),
                ErrorKind::conflict);
  }
  const LockInfo& now = *holder->info;
  if (holder->config_id != lock.config_id || now.id != lock.info.id) {
    return fail(fmt::format("the lock {} was taken away by {} (pid {}, lock {}, since {})", id,
                            now.who.empty() ? "(unknown)" : printable(now.who), now.pid,
                            printable(now.id), printable(now.created)),
                ErrorKind::conflict);
  }
  return {};
}

}  // namespace swarmform::apply
