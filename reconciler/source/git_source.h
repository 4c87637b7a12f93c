#pragma once
// The desired state as git holds it (libgit2): a commit's tree read straight
// from the object database (no checkout; bare repositories work), the state
// of a working tree (its HEAD commit and uncommitted desired-state files),
// and a cached clone of a remote for servers that run without a checkout.
// Not thread-safe: one thread at a time per call (libgit2 objects are not
// shared between calls).

#include <string>
#include <vector>

#include "reconciler/model/source_file.h"
#include "reconciler/util/result.h"

namespace swarmform::source {

/// The desired-state files of one commit.
struct GitSnapshot {
  std::string commit;  ///< full 40-hex id of the commit read
  std::string ref;     ///< the ref as the user gave it ("origin/main", "HEAD~1", a sha)
  std::string summary; ///< the commit's first message line, for messages
  /// The `*.yaml` / `*.yml` blobs directly in the folder (not subfolders;
  /// hidden names skipped), sorted by name, named "<short sha>:<dir>/<file>"
  /// as git show spells it (e.g. "3f2a1bc:examples/kvm/cluster.yaml"), so a
  /// diagnostic reads "3f2a1bc:examples/kvm/cluster.yaml:15:3: error: ...".
  /// Contents larger than model::kMaxSourceFileBytes are cut at that size
  /// plus one byte, as read_directory does, so the loader refuses them; all
  /// of them together past model::kMaxSourceTotalBytes fail the read.
  std::vector<model::SourceFile> files;
};

/// Reads the folder `dir` at `ref` of the repository that holds `dir`
/// (searched upwards from `dir`, as git does).  `dir` may be the repository's
/// work tree or any folder in it, or a bare repository (then the tree's
/// root is read).  `ref` is anything git rev-parse takes that names a commit
/// (branch, tag, sha, "origin/main", "HEAD~1"); annotated tags are peeled.
/// Errors say what failed and what to do: not in a git repository, an
/// unknown ref (naming it), a ref that is not a commit, or a folder absent
/// from that commit ("examples/kvm does not exist at origin/main (3f2a1bc)",
/// ErrorKind::absent_at_commit).
Result<GitSnapshot> read_git_ref(const std::string& dir, const std::string& ref);

/// Reads folder `path_in_repo` ("." or "" = root; "/"-separated, relative to
/// the repository's root) at `ref` of the repository at `repo_path` (a bare
/// or non-bare repository, e.g. a cache made by sync_remote).  File names in
/// the snapshot are "<short sha>:<path_in_repo>/<file>".
Result<GitSnapshot> read_git_ref_at(const std::string& repo_path, const std::string& path_in_repo,
                                    const std::string& ref);

/// The working tree `dir` sits in, as far as the desired state is concerned.
struct WorkingTreeState {
  bool in_repository = false;  ///< false: `dir` is not inside a git work tree
  std::string commit;          ///< HEAD's 40-hex id; empty with no commit yet
  /// The desired-state files directly in `dir` (`*.yaml` / `*.yml`) that
  /// differ from HEAD: modified, staged, new (untracked or ignored) or deleted, named
  /// as read_directory names them ("<dir>/<file>"), sorted.
  std::vector<std::string> uncommitted;

  [[nodiscard]] bool dirty() const { return !uncommitted.empty(); }
};

/// Reports whether `dir` is in a git work tree, its HEAD commit and the
/// uncommitted desired-state files in it.  Not being in a repository is not
/// an error (in_repository false); a repository libgit2 cannot read is.
/// Files ignored by .gitignore count too: the folder is read whole, so an
/// ignored YAML file would be applied although no commit holds it.
Result<WorkingTreeState> working_tree_state(const std::string& dir);

/// How to reach a remote: the same key and host-key rules as the engine
/// transport (transport/), for ssh:// and scp-like ("user@host:path") URLs.
struct RemoteOptions {
  std::string identity;     ///< private key file; empty: ssh-agent
  std::string known_hosts;  ///< known_hosts file checked strictly; empty: ~/.ssh/known_hosts
  bool accept_new_host_keys = false;  ///< record an unknown host's key (never a changed one)
  /// Bounds the TCP connect.  libgit2 1.5 has no deadline for the SSH
  /// handshake or the transfer: a server that accepts and then stalls is
  /// bounded only by the kernel's TCP timeouts.
  int timeout_seconds = 60;
};

/// The default cache folder: $XDG_CACHE_HOME/swarmform/repos, else
/// $HOME/.cache/swarmform/repos.
std::string default_cache_dir();

/// Makes an up-to-date bare mirror of `url` (a local path, file://, ssh:// or
/// scp-like URL; https where libgit2 supports it) under `cache_dir` and
/// returns its path.  The first call clones; later calls fetch incrementally
/// (branches into refs/remotes/origin/*, every tag), pruning deleted
/// branches.  Two processes syncing the same cache serialise on a lock file.
/// Errors name the URL and the stage: unreachable, authentication refused,
/// unknown or changed host key (with the fingerprint and what to do), not a
/// repository.
Result<std::string> sync_remote(const std::string& url, const std::string& cache_dir,
                                const RemoteOptions& options);

/// Resolves a ref in a mirror made by sync_remote: "main" means the remote's
/// main ("refs/remotes/origin/main") when it exists, so a fetch moves it
/// ("main~1" likewise; "HEAD" is the remote's default branch), then a tag of
/// that name; anything else as read_git_ref.  Reads folder `path_in_repo`
/// at it.
Result<GitSnapshot> read_remote_ref(const std::string& mirror_path, const std::string& path_in_repo,
                                    const std::string& ref);

/// The content of the file at `path` ("/"-separated, relative to the
/// repository's root; "./" and "a/../" are resolved) in commit `commit`
/// (40-hex) of the repository at `repo_path`.  ErrorKind::absent_at_commit,
/// naming the path and the short commit, when the commit has no such file.
/// For a file the desired state names (its known_hosts) when it is read from
/// a mirror with no work tree.
Result<std::string> read_git_file(const std::string& repo_path, const std::string& commit, const std::string& path);

}  // namespace swarmform::source
