#pragma once
// Owners (CHandle) of the libgit2 handles the source module uses, libgit2's
// one-time initialisation, and the text of its last error.  Internal to
// reconciler/source/.

#include <git2.h>

#include <string>

#include "reconciler/util/c_handle.h"
#include "reconciler/util/result.h"

namespace swarmform::source::git {

using RepositoryPtr = CHandle<git_repository, git_repository_free>;
using ObjectPtr = CHandle<git_object, git_object_free>;
using CommitPtr = CHandle<git_commit, git_commit_free>;
using TreePtr = CHandle<git_tree, git_tree_free>;
using TreeEntryPtr = CHandle<git_tree_entry, git_tree_entry_free>;
using BlobPtr = CHandle<git_blob, git_blob_free>;
using RemotePtr = CHandle<git_remote, git_remote_free>;
using ReferencePtr = CHandle<git_reference, git_reference_free>;
using ConfigPtr = CHandle<git_config, git_config_free>;
using StatusListPtr = CHandle<git_status_list, git_status_list_free>;

/// A git_buf that is disposed of when it goes out of scope.
struct Buf {
  git_buf buf = GIT_BUF_INIT;
  Buf() = default;
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  ~Buf() { git_buf_dispose(&buf); }
  [[nodiscard]] std::string str() const { return buf.ptr ? std::string(buf.ptr, buf.size) : ""; }
};

/// Initialises libgit2 once per process.  It is never shut down: other
/// threads may still hold handles at exit, and the OS reclaims everything.
Result<void> ensure_initialized();

/// libgit2's message for the last failed call on this thread, or a generic
/// text when it left none.
std::string last_error();

/// The 40-hex spelling of `id`.
std::string oid_hex(const git_oid& id);

}  // namespace swarmform::source::git
