#pragma once
// YAML files -> one desired state.  Every problem found is reported, each
// with file, line and column; nothing stops at the first error.

#include <optional>
#include <string>
#include <vector>

#include "reconciler/model/desired.h"
#include "reconciler/model/diagnostic.h"
#include "reconciler/model/source_file.h"

namespace swarmform::config {

struct LoadOptions {
  /// Relative paths in the files (known_hosts, identity) resolve against this.
  std::string base_dir = ".";
  /// Replaces a leading `~` in paths; empty leaves `~` as written.
  std::string home;
  /// A host may omit `capacity:` (Host::capacity_declared false): import
  /// reads it from the node and writes it in.  Every other command needs it.
  bool capacity_optional = false;
};

struct Loaded {
  /// Present when the files had no errors (warnings allowed).
  std::optional<model::DesiredState> state;
  model::Diagnostics diagnostics;
};

/// Parses and merges `files` (any order; they are processed sorted by name).
/// Checks the schema, unknown keys (with suggestions), keys defined twice in
/// one file or across files, and references (hosts, manager, globs).  Does not
/// check capacity budgets: see budget.h.
Loaded load_desired_state(const std::vector<model::SourceFile>& files, const LoadOptions& options);

}  // namespace swarmform::config
