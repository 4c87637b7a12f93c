// working_tree_state: which desired-state files in a folder differ from HEAD.

#include <filesystem>
#include <set>

#include "reconciler/source/git_handles.h"
#include "reconciler/source/git_open.h"
#include "reconciler/source/git_source.h"

namespace swarmform::source {

namespace fs = std::filesystem;

namespace {

/// HEAD's commit id; empty while HEAD is unborn (no commit yet).
Result<std::string> head_commit(git_repository* repo, const std::string& dir) {
  git_oid id;
  const int rc = git_reference_name_to_id(&id, repo, "HEAD");
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return std::string();
  if (rc < 0)
    return fail("cannot read HEAD of the repository holding " + dir + ": " + git::last_error());
  return git::oid_hex(id);
}

}  // namespace

Result<WorkingTreeState> working_tree_state(const std::string& dir) {
  SF_TRY_ASSIGN(std::string canonical, git::canonical_directory(dir));
  SF_TRY_ASSIGN(std::optional<git::RepositoryPtr> opened,
                git::open_repository(canonical, /*search_upwards=*/true));
  WorkingTreeState state;
  if (!opened) return state;
  git_repository* repo = opened->get();
  const char* workdir = git_repository_workdir(repo);
  if (workdir == nullptr) return state;  // bare: no work tree to be dirty

  std::error_code ec;
  const fs::path root = fs::canonical(workdir, ec);
  if (ec) return fail("cannot resolve the work tree " + std::string(workdir) + ": " + ec.message());
  std::string folder = fs::path(canonical).lexically_relative(root).generic_string();
  if (folder == ".") folder.clear();
  if (folder == ".." || folder.starts_with("../") || folder == ".git" ||
      folder.starts_with(".git/")) {
    return state;  // inside .git, or a path libgit2 found outside the work tree
  }
  state.in_repository = true;
  SF_TRY_ASSIGN(state.commit, head_commit(repo, dir));

  git_status_options options;
  git_status_options_init(&options, GIT_STATUS_OPTIONS_VERSION);
  options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  // Untracked files count, also inside a folder that is wholly new (git
  // would otherwise report just "dir/"), and so do ignored ones: the folder
  // is read whole, so an ignored local.yaml is applied although no commit
  // holds it.  Renames are not paired, so a renamed file shows as its old
  // and its new name.
  options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                  GIT_STATUS_OPT_INCLUDE_IGNORED | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  // Limit the walk to the folder; only files directly in it are kept below.
  std::string pathspec_text = folder;
  char* pathspec_entry = pathspec_text.data();
  if (!folder.empty()) options.pathspec = {&pathspec_entry, 1};

  git_status_list* raw = nullptr;
  if (git_status_list_new(&raw, repo, &options) < 0) {
    return fail("cannot compute the git status of " + dir + ": " + git::last_error());
  }
  git::StatusListPtr list(raw);

  std::set<std::string> names;
  auto consider = [&](const char* path) {
    if (path == nullptr) return;
    const fs::path file(path);
    const std::string parent = file.parent_path().generic_string();
    const std::string name = file.filename().string();
    if (parent != folder) return;
    if (name.starts_with(".") || (!name.ends_with(".yaml") && !name.ends_with(".yml"))) return;
    // Named as read_directory names the files of `dir`.
    names.insert(dir == "." ? name : (fs::path(dir) / name).string());
  };
  const size_t count = git_status_list_entrycount(list.get());
  for (size_t i = 0; i < count; ++i) {
    const git_status_entry* entry = git_status_byindex(list.get(), i);
    if (entry == nullptr || entry->status == GIT_STATUS_CURRENT) continue;
    for (const git_diff_delta* delta : {entry->head_to_index, entry->index_to_workdir}) {
      if (delta == nullptr) continue;
      consider(delta->old_file.path);
      consider(delta->new_file.path);
    }
  }
  state.uncommitted.assign(names.begin(), names.end());
  return state;
}

}  // namespace swarmform::source
