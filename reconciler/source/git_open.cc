#include "reconciler/source/git_open.h"

#include <filesystem>

namespace swarmform::source::git {

namespace fs = std::filesystem;

Result<std::optional<RepositoryPtr>> open_repository(const std::string& path, bool search_upwards) {
  SF_TRY(ensure_initialized());
  git_repository* raw = nullptr;
  const unsigned flags = search_upwards ? 0U : static_cast<unsigned>(GIT_REPOSITORY_OPEN_NO_SEARCH);
  const int rc = git_repository_open_ext(&raw, path.c_str(), flags, nullptr);
  if (rc == GIT_ENOTFOUND) return std::optional<RepositoryPtr>{};
  if (rc < 0) return fail("cannot open the git repository at " + path + ": " + last_error());
  return std::optional<RepositoryPtr>{RepositoryPtr(raw)};
}

Result<RepositoryPtr> open_required(const std::string& path, bool search_upwards) {
  SF_TRY_ASSIGN(std::optional<RepositoryPtr> repo, open_repository(path, search_upwards));
  if (!repo) {
    return fail(path + " is not " + (search_upwards ? "in " : "") +
                    "a git repository; run git init and commit the desired state there, or read "
                    "the folder as it is without a ref",
                ErrorKind::not_found);
  }
  return std::move(*repo);
}

Result<std::string> canonical_directory(const std::string& path) {
  std::error_code ec;
  fs::path canonical = fs::canonical(path, ec);
  if (ec || !fs::is_directory(canonical, ec)) {
    return fail(path + ": not a directory" + (ec ? " (" + ec.message() + ")" : "") +
                    "; point -C at the folder that holds the desired-state YAML files",
                ErrorKind::not_found);
  }
  return canonical.string();
}

}  // namespace swarmform::source::git
