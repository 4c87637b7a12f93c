#pragma once
// What applying one change came to.

#include <string>

#include "reconciler/plan/plan.h"

namespace swarmform::apply {

enum class Outcome {
  applied,      ///< changed and converged
  failed,       ///< the change failed; rollback not done or not possible
  rolled_back,  ///< the change failed and the service is back on its previous spec
  interrupted,  ///< changed, but the wait was stopped before it converged
  not_started,  ///< stopped before its turn
};

struct ServiceResult {
  std::string name;
  plan::Action action = plan::Action::noop;
  Outcome outcome = Outcome::not_started;
  std::string detail;    ///< the engine's reason for a failure; the rollback's result
  bool changed = false;  ///< the swarm holds this change now (posted and not rolled back)
};

}  // namespace swarmform::apply
