// Reading a commit's desired-state files straight from the object database.

#include "reconciler/source/git_source.h"

#include <algorithm>
#include <filesystem>

#include "reconciler/source/git_handles.h"
#include "reconciler/source/git_open.h"
#include "reconciler/source/size_cap.h"

namespace swarmform::source {

namespace fs = std::filesystem;
using git::ObjectPtr;
using git::RepositoryPtr;
using git::TreeEntryPtr;
using git::TreePtr;

namespace {

constexpr size_t kShortShaLength = 7;

bool is_desired_state_name(std::string_view name) {
  return !name.starts_with(".") && (name.ends_with(".yaml") || name.ends_with(".yml"));
}

/// What to say where: "in /repo", and the commands that list a ref's names.
struct RepoLabel {
  std::string where;      ///< "/srv/state" or "the mirror of ssh://..."
  std::string list_refs;  ///< a hint naming the commands that list refs
};

RepoLabel label_for(git_repository* repo) {
  const char* workdir = git_repository_workdir(repo);
  std::string path = workdir ? workdir : git_repository_path(repo);
  if (path.size() > 1 && path.ends_with("/")) path.pop_back();
  return {path, "git branch -a / git tag list what exists"};
}

/// `path_in_repo` as a tree path: "/"-separated, no "." parts, no trailing
/// "/", "" for the root.  Refuses a path that leaves the repository.
Result<std::string> normalise_tree_path(const std::string& path_in_repo) {
  const fs::path normal = fs::path(path_in_repo).lexically_normal();
  std::string text = normal.generic_string();
  while (text.ends_with("/")) text.pop_back();
  if (text == ".") text.clear();
  if (normal.is_absolute() || text == ".." || text.starts_with("../")) {
    return fail("folder '" + path_in_repo +
                "' is outside the repository: give it relative to the repository's root");
  }
  return text;
}

Result<ObjectPtr> resolve_commit(git_repository* repo, const RepoLabel& label,
                                 const std::string& ref, const std::string& spec) {
  git_object* raw = nullptr;
  const int rc = git_revparse_single(&raw, repo, spec.c_str());
  ObjectPtr object(raw);
  if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
    if (spec == "HEAD" && git_repository_head_unborn(repo) == 1) {
      return fail(label.where + " has no commit yet: commit the desired state first",
                  ErrorKind::not_found);
    }
    return fail("unknown ref '" + ref + "' in " + label.where + ": " + label.list_refs,
                ErrorKind::not_found);
  }
  if (rc == GIT_EAMBIGUOUS) {
    return fail("ref '" + ref + "' is ambiguous in " + label.where +
                ": give more characters of the sha, or the full ref name (refs/heads/..., "
                "refs/tags/...)");
  }
  if (rc < 0)
    return fail("cannot resolve ref '" + ref + "' in " + label.where + ": " + git::last_error());
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) < 0) {
    return fail("ref '" + ref + "' in " + label.where + " names a " +
                git_object_type2string(git_object_type(object.get())) +
                ", not a commit: give a branch, a tag or a commit sha");
  }
  return ObjectPtr(peeled);
}

/// The tree of folder `path` ("" = root) in `commit`.
Result<TreePtr> folder_tree(git_repository* repo, git_tree* root, const std::string& path,
                            const std::string& at) {
  git_tree* raw = nullptr;
  if (path.empty()) {
    if (git_tree_dup(&raw, root) < 0) return fail("cannot copy a tree: " + git::last_error());
    return TreePtr(raw);
  }
  git_tree_entry* entry_raw = nullptr;
  const int rc = git_tree_entry_bypath(&entry_raw, root, path.c_str());
  TreeEntryPtr entry(entry_raw);
  if (rc == GIT_ENOTFOUND) {
    return fail(path + " does not exist at " + at +
                    "; is the folder committed? (git ls-tree -d -r --name-only <ref> lists the "
                    "folders of a commit)",
                ErrorKind::absent_at_commit);
  }
  if (rc < 0) return fail("cannot look up " + path + " at " + at + ": " + git::last_error());
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) {
    return fail(path + " is not a folder at " + at +
                ": point at the folder that holds the desired-state YAML files");
  }
  if (git_tree_lookup(&raw, repo, git_tree_entry_id(entry.get())) < 0) {
    return fail("cannot read folder " + path + " at " + at + ": " + git::last_error());
  }
  return TreePtr(raw);
}

/// The desired-state blobs directly in `tree`, named "<short>:<path>/<file>".
Result<std::vector<model::SourceFile>> read_files(git_repository* repo, git_tree* tree,
                                                  const std::string& short_sha,
                                                  const std::string& path, const std::string& at) {
  std::vector<model::SourceFile> files;
  TotalSizeCap cap;
  const size_t count = git_tree_entrycount(tree);
  for (size_t i = 0; i < count; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
    const std::string name = git_tree_entry_name(entry);
    // Symlinks are blobs too, holding the link's target path, not YAML; a
    // submodule is a commit.  Neither is a desired-state file.
    const git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) continue;
    if (!is_desired_state_name(name)) continue;
    const std::string display = short_sha + ":" + (path.empty() ? name : path + "/" + name);
    git_blob* raw = nullptr;
    if (git_blob_lookup(&raw, repo, git_tree_entry_id(entry)) < 0) {
      return fail("cannot read " + display + " at " + at + ": " + git::last_error());
    }
    git::BlobPtr blob(raw);
    // One byte past the limit, as read_directory does, so the loader refuses
    // an oversized file.
    const auto size = static_cast<size_t>(git_blob_rawsize(blob.get()));
    const auto* bytes = static_cast<const char*>(git_blob_rawcontent(blob.get()));
    const size_t kept = std::min(size, model::kMaxSourceFileBytes + 1);
    SF_TRY(cap.add(display, kept));
    files.push_back({display, std::string(bytes, kept)});
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return files;
}

/// Reads folder `path` (normalised) at `ref`, resolving `spec` (what git
/// parses; `ref` is what the user wrote).
Result<GitSnapshot> read_snapshot(git_repository* repo, const RepoLabel& label,
                                  const std::string& path, const std::string& ref,
                                  const std::string& spec) {
  SF_TRY_ASSIGN(ObjectPtr commit_object, resolve_commit(repo, label, ref, spec));
  // Peeled to a commit above: the cast is what git_object_peel promises.
  auto* commit = reinterpret_cast<git_commit*>(commit_object.get());
  GitSnapshot snapshot;
  snapshot.commit = git::oid_hex(*git_commit_id(commit));
  snapshot.ref = ref;
  const char* summary = git_commit_summary(commit);
  snapshot.summary = summary ? summary : "";
  const std::string short_sha = snapshot.commit.substr(0, kShortShaLength);
  const std::string at = ref + " (" + short_sha + ") in " + label.where;

  git_tree* root_raw = nullptr;
  if (git_commit_tree(&root_raw, commit) < 0) {
    return fail("cannot read the tree of " + at + ": " + git::last_error());
  }
  TreePtr root(root_raw);
  SF_TRY_ASSIGN(TreePtr folder, folder_tree(repo, root.get(), path, at));
  SF_TRY_ASSIGN(snapshot.files, read_files(repo, folder.get(), short_sha, path, at));
  return snapshot;
}

/// The origin URL of a mirror, for messages; empty when it has none.  Read
/// from the config rather than with git_remote_lookup, which leaks in
/// libgit2 1.5 (its insteadOf matching leaves PCRE2 match data behind).
std::string origin_url(git_repository* repo) {
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo) < 0) return "";
  git::ConfigPtr config(raw);
  const char* url = nullptr;
  if (git_config_get_string(&url, config.get(), "remote.origin.url") < 0) return "";
  return url != nullptr ? url : "";
}

bool reference_exists(git_repository* repo, const std::string& name) {
  git_oid id;
  return git_reference_name_to_id(&id, repo, name.c_str()) == 0;
}

}  // namespace

Result<GitSnapshot> read_git_ref(const std::string& dir, const std::string& ref) {
  SF_TRY_ASSIGN(std::string canonical, git::canonical_directory(dir));
  SF_TRY_ASSIGN(RepositoryPtr repo, git::open_required(dir, /*search_upwards=*/true));
  std::string path;
  if (const char* workdir = git_repository_workdir(repo.get())) {
    std::error_code ec;
    const fs::path root = fs::canonical(workdir, ec);
    if (ec)
      return fail("cannot resolve the work tree " + std::string(workdir) + ": " + ec.message());
    const std::string relative = fs::path(canonical).lexically_relative(root).generic_string();
    if (relative.empty() || relative == ".." || relative.starts_with("../")) {
      return fail(dir + " is not inside the work tree " + root.string());
    }
    if (relative == ".git" || relative.starts_with(".git/")) {
      return fail(dir +
                  " is inside the .git folder: point at the folder of the work tree that "
                  "holds the desired-state YAML files");
    }
    path = relative == "." ? "" : relative;
  }
  // A bare repository has no work tree: its tree's root is what is read.
  return read_snapshot(repo.get(), label_for(repo.get()), path, ref, ref);
}

Result<GitSnapshot> read_git_ref_at(const std::string& repo_path, const std::string& path_in_repo,
                                    const std::string& ref) {
  SF_TRY_ASSIGN(std::string path, normalise_tree_path(path_in_repo));
  SF_TRY_ASSIGN(RepositoryPtr repo, git::open_required(repo_path, /*search_upwards=*/false));
  return read_snapshot(repo.get(), label_for(repo.get()), path, ref, ref);
}

Result<GitSnapshot> read_remote_ref(const std::string& mirror_path, const std::string& path_in_repo,
                                    const std::string& ref) {
  SF_TRY_ASSIGN(std::string path, normalise_tree_path(path_in_repo));
  SF_TRY_ASSIGN(RepositoryPtr repo, git::open_required(mirror_path, /*search_upwards=*/false));
  RepoLabel label = label_for(repo.get());
  const std::string url = origin_url(repo.get());
  if (!url.empty()) {
    label.where = "the mirror of " + url + " (" + label.where + ")";
    label.list_refs = "git ls-remote " + url + " lists what exists";
  }
  // The remote's branch first, so "main" (and "main~1") follows every
  // fetch; then a tag; then whatever rev-parse makes of it (a sha,
  // "origin/main").
  const size_t suffix = ref.find_first_of("~^@:");
  const std::string base = ref.substr(0, suffix);
  const std::string rest = suffix == std::string::npos ? "" : ref.substr(suffix);
  std::string spec = ref;
  if (!base.empty() && reference_exists(repo.get(), "refs/remotes/origin/" + base)) {
    spec = "refs/remotes/origin/" + base + rest;
  } else if (!base.empty() && reference_exists(repo.get(), "refs/tags/" + base)) {
    spec = "refs/tags/" + base + rest;
  }
  return read_snapshot(repo.get(), label, path, ref, spec);
}

}  // namespace swarmform::source
