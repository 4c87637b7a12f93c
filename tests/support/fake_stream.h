#pragma once
// An in-memory engine for HTTP tests: each dial opens the next scripted
// connection; a connection answers each request written to it with the next
// scripted response, handed out in the scripted fragments (one read_some
// returns at most the rest of one fragment).  A connection out of responses
// reads as closed (EOF).  Records every dial and request.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "reconciler/transport/stream.h"

namespace swarmform::testing {

struct FakeConnection {
  /// One entry per request: the response's bytes, split into fragments.
  std::vector<std::vector<std::string>> responses;
  /// Fault switch: writes after this many fail (as to a peer that closed).
  std::size_t writes_before_failing = SIZE_MAX;
};

class FakeServer {
 public:
  /// Adds a connection that the next unused dial opens.
  FakeServer& connection(FakeConnection c);
  /// Adds a connection answering each request with one response given whole.
  FakeServer& connection_with(std::vector<std::string> whole_responses);

  /// A dialer opening the scripted connections in order; it fails once they
  /// are used up.  The dialer and its streams keep this server alive.
  transport::Dialer dialer();

  [[nodiscard]] int dials() const { return state_->dials; }
  [[nodiscard]] const std::vector<std::string>& requests() const { return state_->requests; }

  struct State {
    std::deque<FakeConnection> pending;
    std::vector<std::string> requests;
    int dials = 0;
  };

 private:
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

/// Splits `s` at the given offsets (ascending, each within s).
std::vector<std::string> split_at(const std::string& s, const std::vector<std::size_t>& offsets);

}  // namespace swarmform::testing
