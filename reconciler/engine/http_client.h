#pragma once
// An HTTP/1.1 client for one Docker engine over the streams a Dialer opens.
// One request at a time; the connection is kept alive between requests and
// reopened once when the engine closed it while idle.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "reconciler/engine/http_message.h"
#include "reconciler/transport/stream.h"
#include "reconciler/util/result.h"

namespace swarmform::engine {

class HttpClient {
 public:
  /// Dials lazily, on the first request.
  explicit HttpClient(transport::Dialer dialer, HttpLimits limits = {});

  /// Sends `method target` with `Host: docker` and the swarmform User-Agent;
  /// with a body, also `Content-Type: application/json` and its length.
  /// On success returns the response, whatever its status.  Fails on a dial,
  /// write or read error (the stream's error, kind kept), on a malformed,
  /// truncated ("truncated response from <peer>") or oversized response.
  /// A kept-alive connection that turns out closed before any byte of the
  /// response (EOF, or a failed write) is redialed once and the request
  /// resent; a fresh connection is never retried.  After any failure the
  /// connection is dropped.  Not thread-safe.
  Result<Response> request(std::string_view method, std::string_view target,
                           std::optional<std::string_view> json_body = std::nullopt);

  /// request() in two halves, for fanning requests out over several clients
  /// to the same engine: send() writes the request (dialing first when no
  /// connection is open) and returns; receive() reads its response.  The
  /// engine works on every request sent before any answer is read.  A
  /// kept-alive connection found closed is redialed and the request resent
  /// as request() does (then in receive()).  One request at a time:
  /// REQUIRES no send() pending before send(), one pending before receive().
  Result<void> send(std::string_view method, std::string_view target);
  Result<Response> receive();

  /// Dials now unless a connection is open.
  Result<void> connect();
  /// A new client to the same engine (the same dialer and limits), not yet
  /// connected.
  [[nodiscard]] HttpClient another() const { return HttpClient(dialer_, limits_); }

  /// The peer of the open connection, else of the last one, else "(not connected)".
  [[nodiscard]] std::string describe() const;

 private:
  /// What one attempt on the current stream led to.
  enum class Outcome { response, closed_before_response };
  Result<Outcome> exchange(std::string_view wire, ExpectBody expect_body, Response* out);
  /// Writes `wire`; a kept-alive connection refusing the write (the engine
  /// closed it) is Outcome::closed_before_response.
  Result<Outcome> write_request(std::string_view wire);
  Result<Outcome> read_response(ExpectBody expect_body, Response* out);
  /// After one attempt: redials once when a reused connection closed before
  /// answering, drops the connection on failure; the response or the error.
  Result<Response> settle(Result<Outcome> outcome, bool reused, const std::string& wire,
                          ExpectBody expect, Response* response);
  Result<void> dial();

  /// A request sent by send() whose response receive() has not read.
  struct Pending {
    std::string wire;
    std::string line;  ///< "METHOD target", for the trace
    ExpectBody expect = ExpectBody::yes;
    bool reused = false;
    std::optional<Outcome> written;  ///< set when the write already failed softly
  };

  transport::Dialer dialer_;
  HttpLimits limits_;
  std::unique_ptr<transport::Stream> stream_;
  bool stream_used_ = false;  ///< the open stream has carried a full response
  std::string last_peer_ = "(not connected)";
  std::optional<Pending> pending_;
};

/// The request bytes `request` sends (exposed for tests).
std::string format_request(std::string_view method, std::string_view target,
                           std::optional<std::string_view> json_body);

}  // namespace swarmform::engine
