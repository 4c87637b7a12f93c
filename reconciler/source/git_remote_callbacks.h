#pragma once
// The libgit2 callbacks of a fetch: SSH credentials (the same key rules as
// the engine transport) and the SSH host-key check against known_hosts
// (transport::verify_host_key).  Internal to reconciler/source/.

#include <git2.h>

#include <optional>
#include <string>

#include "reconciler/source/git_source.h"
#include "reconciler/source/git_url.h"
#include "reconciler/util/result.h"

namespace swarmform::source::git {

/// What the callbacks read and what they leave behind.  Lives as long as the
/// fetch that uses it.
struct CallbackState {
  RemoteOptions options;
  std::string url;
  std::optional<RemoteEndpoint> endpoint;  ///< for the host-key check's port
  /// Each credential is offered once: libgit2 calls the credential callback
  /// again after the server refused one, which would otherwise loop forever.
  bool offered_username = false;
  bool offered_key = false;
  bool offered_agent = false;
  /// Why a callback gave up.  libgit2 replaces a callback's failure with a
  /// generic message ("user cancelled hostkey check"), so the detailed one
  /// is kept here and returned instead.
  std::optional<Error> error;
};

/// Callbacks wired to `state` (which must outlive the fetch).
git_remote_callbacks remote_callbacks(CallbackState& state);

}  // namespace swarmform::source::git
