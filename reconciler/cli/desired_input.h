#pragma once
// Reading the desired state for a command: files from the source, the
// loader, the capacity policy; diagnostics are gathered, not printed.

#include <vector>

#include "reconciler/config/loader.h"
#include "reconciler/model/capacity.h"

namespace swarmform::cli {

struct DesiredInput {
  config::Loaded loaded;               ///< state present when the files are well-formed
  std::vector<model::HostLoad> loads;  ///< empty when the state is absent
};

/// Reads `dir`, loads it and applies the budget checks.  An unreadable
/// directory is reported as a diagnostic too, so callers print one list.
DesiredInput read_desired(const std::string& dir);

}  // namespace swarmform::cli
