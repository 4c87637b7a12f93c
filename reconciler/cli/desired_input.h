#pragma once
// Reading the desired state for a command: files from the source (the
// working tree, a git ref of the repository that holds it, or a cached
// clone of a remote), the loader, and (for validate) the capacity policy;
// diagnostics are gathered, not printed.

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "reconciler/config/loader.h"
#include "reconciler/model/capacity.h"
#include "reconciler/model/source_file.h"
#include "reconciler/source/git_source.h"

namespace swarmform::cli {

/// Whether read_desired applies the desired-state budget checks (validate);
/// plan judges budgets on its own projection instead.
enum class CheckBudgets { no, yes };

/// Whether a host may omit `capacity:` (import fills it in from the node).
enum class MissingCapacity { error, allowed };

/// Where the desired state comes from: --ref, --repo, --cache-dir.
struct SourceOptions {
  std::string ref;        ///< --ref: a commit of the repository holding -C DIR (or of --repo)
  std::string repo;       ///< --repo URL: clone/fetch into the cache; -C DIR is then a folder in it
  std::string cache_dir;  ///< --cache-dir; empty: source::default_cache_dir()
  source::RemoteOptions remote;  ///< for --repo over SSH: filled from the connection flags
};

/// Registers --ref, and with `with_repo` also --repo and --cache-dir, on `cmd`.
void add_source_flags(CLI::App& cmd, SourceOptions& options, bool with_repo = true);

struct DesiredInput {
  std::vector<model::SourceFile> files;  ///< as read (for the content hash)
  config::Loaded loaded;                 ///< state present when the files are well-formed
  std::vector<model::HostLoad> loads;    ///< empty when the state is absent
  std::string commit;                    ///< the commit read, or the working tree's HEAD; empty outside git
  std::string ref;                       ///< --ref as given; empty for the working tree
  std::vector<std::string> uncommitted;  ///< working tree only: desired-state files that differ from HEAD
  std::string mirror;                    ///< --repo: the synced mirror read from
  std::optional<Error> source_error;     ///< the source itself failed (unknown ref, unreachable remote)
};

/// Reads the working tree folder `dir` and loads it (no git: validate,
/// state and unlock need only the files); with CheckBudgets::yes also adds the budget findings.  An unreadable directory
/// is reported as a diagnostic too, so callers print one list.
DesiredInput read_desired(const std::string& dir, CheckBudgets budgets = CheckBudgets::yes,
                          MissingCapacity missing = MissingCapacity::error);

/// As above, from where `source` says: with --repo, `dir` is the folder in
/// the remote's tree (synced into the cache first); with --ref, that commit
/// of the repository (no checkout); else the working tree, with its HEAD as
/// the commit and its uncommitted desired-state files, when it is in git.  Failures of the source itself (unknown
/// ref, unreachable remote) are diagnostics without a location.
DesiredInput read_desired(const std::string& dir, const SourceOptions& source,
                          CheckBudgets budgets = CheckBudgets::yes,
                          MissingCapacity missing = MissingCapacity::error);

/// Reads the desired state at `ref` from where `head` was read (its --repo
/// mirror, else the repository holding `dir`), for plan --base.
DesiredInput read_desired_at(const std::string& dir, const DesiredInput& head, const std::string& ref);

/// Prints the diagnostics to stderr, errors red and warnings yellow.
void print_diagnostics(const model::Diagnostics& diags, bool no_color);

}  // namespace swarmform::cli
