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

  /// The peer of the open connection, else of the last one, else "(not connected)".
  [[nodiscard]] std::string describe() const;

 private:
  /// What one attempt on the current stream led to.
  enum class Outcome { response, closed_before_response };
  Result<Outcome> exchange(std::string_view wire, ExpectBody expect_body, Response* out);
  Result<void> dial();

  transport::Dialer dialer_;
  HttpLimits limits_;
  std::unique_ptr<transport::Stream> stream_;
  bool stream_used_ = false;  ///< the open stream has carried a full response
  std::string last_peer_ = "(not connected)";
};

/// The request bytes `request` sends (exposed for tests).
std::string format_request(std::string_view method, std::string_view target,
                           std::optional<std::string_view> json_body);

}  // namespace swarmform::engine
