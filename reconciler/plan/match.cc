#include "reconciler/plan/match.h"

#include "reconciler/util/glob.h"

namespace swarmform::plan {

Matching match_services(const model::DesiredState& desired, const model::LiveState& live) {
  Matching m;
  m.declared_of.resize(live.services.size());
  for (const auto& [name, service] : desired.services) {
    const std::string& pattern = service.match.empty() ? name : service.match;
    std::vector<size_t>& hits = m.live_of[name];
    for (size_t i = 0; i < live.services.size(); ++i) {
      if (glob_matches(pattern, live.services[i].name)) {
        hits.push_back(i);
        m.declared_of[i].push_back(name);
      }
    }
  }
  return m;
}

}  // namespace swarmform::plan
