#pragma once
// What the apply lock records about its holder, and how it is written down:
// JSON in the data of a swarm config, labels beside it.  Pure values.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "reconciler/util/result.h"

namespace swarmform::apply {

struct LockInfo {
  std::string id;   ///< random, 16 hex digits; what `swarmform unlock` names
  std::string who;  ///< "user@hostname"
  int64_t pid = 0;
  std::string created;  ///< RFC 3339 UTC, seconds: "2026-11-26T20:21:53Z"
  std::string commit;   ///< the commit being applied; may be empty

  bool operator==(const LockInfo&) const = default;
};

/// A LockInfo for this process: a fresh random id (OpenSSL RAND_bytes),
/// $USER (else the passwd entry) @ gethostname(), getpid(), now; `who` and
/// `commit` with control characters escaped (printable()), as they are
/// written into the swarm and shown to the next operator.
/// Fails only when the random generator does.  Thread-safe.
Result<LockInfo> new_lock_info(std::string commit);

/// {"id":..., "who":..., "pid":..., "created":..., "commit":...}
nlohmann::json lock_json(const LockInfo& info);
/// The inverse of lock_json; fails naming the missing or mistyped member.
Result<LockInfo> parse_lock_json(const nlohmann::json& j);

/// The swarm ConfigSpec holding the lock: Name `config_name`, the JSON as
/// base64 Data, and labels swarmform.lock.{id,who,pid,created,commit}.
nlohmann::json lock_config_spec(const LockInfo& info, std::string_view config_name);
/// The LockInfo of a config as `GET /configs/{id}` returns it (Spec.Data).
Result<LockInfo> lock_from_config(const nlohmann::json& config);

/// "2026-11-26T20:21:53Z" (UTC, whole seconds).
std::string format_rfc3339_utc(std::chrono::system_clock::time_point t);
/// Parses "YYYY-MM-DDTHH:MM:SS[.frac]Z" (UTC only); fails on anything else.
Result<std::chrono::system_clock::time_point> parse_rfc3339_utc(std::string_view text);
/// "45s", "3m12s", "2h05m", "3d04h" (negative ages, from clock skew, are "0s").
std::string format_age(std::chrono::seconds age);

/// Where the holder of a lock runs, as far as this process can tell.
enum class HolderState {
  running_here,  ///< on this host (the host part of `who`), its pid alive
  gone_here,     ///< on this host, no process with its pid: the lock is stale
  elsewhere,     ///< another host (or no pid recorded): cannot tell
};
/// Looks at `holder` from this host: gethostname() and kill(pid, 0).  A pid
/// reused by another process counts as running (the safe side).  Thread-safe.
HolderState holder_state(const LockInfo& holder);

/// The refusal when `holder` holds the lock, as seen at `now`: names the
/// holder, the lock's age and the command that removes it; when `state` is
/// gone_here, says the holder is gone.  Every recorded value is shown with
/// its control characters escaped.
std::string lock_held_message(const LockInfo& holder, std::chrono::system_clock::time_point now,
                              HolderState state = HolderState::elsewhere);

}  // namespace swarmform::apply
