#pragma once
// Reading the desired state for a command: files from the source, the
// loader, and (for validate) the capacity policy; diagnostics are gathered,
// not printed.

#include <vector>

#include "reconciler/config/loader.h"
#include "reconciler/model/capacity.h"
#include "reconciler/model/source_file.h"

namespace swarmform::cli {

/// Whether read_desired applies the desired-state budget checks (validate);
/// plan judges budgets on its own projection instead.
enum class CheckBudgets { no, yes };

struct DesiredInput {
  std::vector<model::SourceFile> files;  ///< as read (for the content hash)
  config::Loaded loaded;                 ///< state present when the files are well-formed
  std::vector<model::HostLoad> loads;    ///< empty when the state is absent
};

/// Reads `dir` and loads it; with CheckBudgets::yes also adds the budget
/// findings.  An unreadable directory is reported as a diagnostic too, so
/// callers print one list.
DesiredInput read_desired(const std::string& dir, CheckBudgets budgets = CheckBudgets::yes);

/// Prints the diagnostics to stderr, errors red and warnings yellow.
void print_diagnostics(const model::Diagnostics& diags, bool no_color);

}  // namespace swarmform::cli
