#pragma once
// Ownership of a C library's handle: a unique_ptr whose deleter is the
// library's own free function, so business code never frees by hand.
//
//   using TreePtr = CHandle<git_tree, git_tree_free>;
//   TreePtr tree(raw);  // git_tree_free(raw) when `tree` goes; nothing when null
//
// The deleter is stateless (the function is a template argument), so a
// CHandle is the size of a pointer.  Handles that need more than one call to
// release (libssh2's agent: disconnect, then free) name a function that makes
// those calls.  C structs held by value (libyaml's parser and event, libgit2's
// git_buf) are not handles: their owners are small classes next to their use.

#include <memory>

namespace swarmform {

/// Calls `Free` on a non-null pointer; the result of `Free`, if any, is dropped.
template <auto Free>
struct CFree {
  template <class T>
  void operator()(T* p) const {
    static_cast<void>(Free(p));
  }
};

/// A C handle `T*` owned by a unique_ptr that releases it with `Free`.
template <class T, auto Free>
using CHandle = std::unique_ptr<T, CFree<Free>>;

}  // namespace swarmform
