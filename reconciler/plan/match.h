#pragma once
// Which live services each declared service names: its `match` (the key by
// default) as an exact name or a glob.

#include <map>
#include <string>
#include <vector>

#include "reconciler/model/desired.h"
#include "reconciler/model/live.h"

namespace swarmform::plan {

struct Matching {
  /// Per declared service (every one, targeted or not): indexes into
  /// LiveState::services, in live order.
  std::map<std::string, std::vector<size_t>> live_of;
  /// Per live service (same indexes): the declared services that match it.
  std::vector<std::vector<std::string>> declared_of;
};

/// Matches every declared service against every live one (glob_matches, so
/// a pattern without wildcards is an exact name).
Matching match_services(const model::DesiredState& desired, const model::LiveState& live);

}  // namespace swarmform::plan
