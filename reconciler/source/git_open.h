#pragma once
// Opening a repository for the source module.  Internal to reconciler/source/.

#include <optional>
#include <string>

#include "reconciler/source/git_handles.h"
#include "reconciler/util/result.h"

namespace swarmform::source::git {

/// Opens the repository at `path` (a work tree, its .git, or a bare
/// repository); with `search_upwards` also one that holds `path`, as git
/// does.  std::nullopt when there is none; an error when one is there but
/// libgit2 cannot open it.
Result<std::optional<RepositoryPtr>> open_repository(const std::string& path, bool search_upwards);

/// As open_repository, but no repository is an error (ErrorKind::not_found)
/// that names `path` and says what to do.
Result<RepositoryPtr> open_required(const std::string& path, bool search_upwards);

/// `path` canonical (symlinks resolved), or an error naming it when it is
/// not an existing directory.
Result<std::string> canonical_directory(const std::string& path);

}  // namespace swarmform::source::git
