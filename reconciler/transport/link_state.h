#pragma once
// Whether the link to one host is known to be lost, shared by every SSH
// session a run opens to that host: the first session that loses it (a
// timeout, the peer's EOF, a socket error) records why, and every other
// session, and the caller deciding what to start next, stops waiting on that
// host at once.

#include <mutex>
#include <optional>

#include "reconciler/util/result.h"

namespace swarmform::transport {

/// Thread-safe.  Once lost, it stays lost: a new attempt needs a new LinkState.
class LinkState {
 public:
  /// Records `cause` unless a cause is already recorded (the first one wins).
  void mark_lost(const Error& cause) {
    std::lock_guard lock(mu_);
    if (!lost_) lost_ = cause;
  }
  /// The first recorded cause, or nothing while the link is not known lost.
  [[nodiscard]] std::optional<Error> lost() const {
    std::lock_guard lock(mu_);
    return lost_;
  }

 private:
  mutable std::mutex mu_;
  std::optional<Error> lost_;
};

}  // namespace swarmform::transport
