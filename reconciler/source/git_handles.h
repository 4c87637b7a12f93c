#pragma once
// RAII owners for the libgit2 handles the source module uses, libgit2's
// one-time initialisation, and the text of its last error.  Internal to
// reconciler/source/.

#include <git2.h>

#include <memory>
#include <string>

#include "reconciler/util/result.h"

namespace swarmform::source::git {

/// Frees a libgit2 object with its own free function.
template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};

using RepositoryPtr = std::unique_ptr<git_repository, Deleter<git_repository_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree_free>>;
using TreeEntryPtr = std::unique_ptr<git_tree_entry, Deleter<git_tree_entry_free>>;
using BlobPtr = std::unique_ptr<git_blob, Deleter<git_blob_free>>;
using RemotePtr = std::unique_ptr<git_remote, Deleter<git_remote_free>>;
using ReferencePtr = std::unique_ptr<git_reference, Deleter<git_reference_free>>;
using ConfigPtr = std::unique_ptr<git_config, Deleter<git_config_free>>;
using StatusListPtr = std::unique_ptr<git_status_list, Deleter<git_status_list_free>>;

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
