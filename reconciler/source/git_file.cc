#include <filesystem>

#include "reconciler/source/git_handles.h"
#include "reconciler/source/git_open.h"
#include "reconciler/source/git_source.h"

namespace swarmform::source {

Result<std::string> read_git_file(const std::string& repo_path, const std::string& commit, const std::string& path) {
  SF_TRY(git::ensure_initialized());
  SF_TRY_ASSIGN(auto repo, git::open_required(repo_path, false));
  const std::string short_commit = commit.substr(0, 7);
  std::string clean = std::filesystem::path(path).lexically_normal().generic_string();
  if (clean.empty() || clean.starts_with("..") || clean.starts_with("/")) {
    return fail(path + ": not a path inside the repository", ErrorKind::not_found);
  }
  git_oid id;
  if (git_oid_fromstr(&id, commit.c_str()) != 0) return fail("not a commit id: '" + commit + "'");
  git_commit* raw_commit = nullptr;
  if (git_commit_lookup(&raw_commit, repo.get(), &id) != 0) {
    return fail("commit " + short_commit + " is not in " + repo_path + ": " + git::last_error(), ErrorKind::not_found);
  }
  git::CommitPtr owned_commit(raw_commit);
  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, owned_commit.get()) != 0) return fail("reading commit " + short_commit + ": " + git::last_error());
  git::TreePtr tree(raw_tree);
  git_tree_entry* raw_entry = nullptr;
  if (git_tree_entry_bypath(&raw_entry, tree.get(), clean.c_str()) != 0) {
    return fail(clean + " does not exist at " + short_commit, ErrorKind::absent_at_commit);
  }
  git::TreeEntryPtr entry(raw_entry);
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return fail(clean + " is not a file at " + short_commit);
  git_blob* raw_blob = nullptr;
  if (git_blob_lookup(&raw_blob, repo.get(), git_tree_entry_id(entry.get())) != 0) {
    return fail("reading " + clean + " at " + short_commit + ": " + git::last_error());
  }
  git::BlobPtr blob(raw_blob);
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                     static_cast<size_t>(git_blob_rawsize(blob.get())));
}

}  // namespace swarmform::source
