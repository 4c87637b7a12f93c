#pragma once
// The local-volume rule, one for plan's check_data_move and advise's local
// data: which mounts keep a service's data on the node that made them.

#include "reconciler/model/live.h"

namespace swarmform::model {

/// A volume of the local driver (type "volume", driver "" or "local"): its
/// data lives on the node that made it and does not follow a task that
/// moves.  A bind mount, a tmpfs or a volume of another driver is not one.
inline bool is_local_volume(const LiveMount& m) {
  return m.type == "volume" && (m.volume_driver.empty() || m.volume_driver == "local");
}

/// Whether `s` mounts a local volume (is_local_volume): plan refuses to
/// move it without allow_data_move, advise keeps it where it is.
inline bool mounts_local_volume(const LiveService& s) {
  for (const LiveMount& m : s.mounts) {
    if (is_local_volume(m)) return true;
  }
  return false;
}

}  // namespace swarmform::model
