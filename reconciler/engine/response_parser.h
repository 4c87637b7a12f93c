#pragma once
// Incremental parsing of one HTTP/1.1 response with Debian's libhttp-parser:
// status, headers, Content-Length / chunked / read-until-close bodies, and
// the limits of HttpLimits.  No I/O: the caller feeds the bytes it read.

#include <http_parser.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reconciler/engine/http_message.h"
#include "reconciler/util/result.h"

namespace swarmform::engine {

class ResponseParser {
 public:
  explicit ResponseParser(HttpLimits limits, ExpectBody expect_body = ExpectBody::yes);
  ResponseParser(const ResponseParser&) = delete;
  ResponseParser& operator=(const ResponseParser&) = delete;

  /// Feeds received bytes.  On success returns how many were consumed: all of
  /// them, or fewer when the response completed inside `data` (the rest
  /// belongs to no response we asked for).  Fails on a malformed response or
  /// one over the limits; the message ends so that the caller can append
  /// " from <peer>".  REQUIRES: !complete() and no earlier failure.
  Result<std::size_t> feed(std::string_view data);

  /// Tells the parser the peer closed the stream.  A response whose body runs
  /// until close completes here; otherwise complete() stays false.
  Result<void> finish();

  /// True once any byte of a response has been consumed.
  [[nodiscard]] bool started() const { return started_; }
  /// True once the whole response has been parsed.
  [[nodiscard]] bool complete() const { return complete_; }
  /// After complete(): whether the connection may carry another request.
  [[nodiscard]] bool keep_alive() const { return keep_alive_; }

  /// Moves the parsed response out.  REQUIRES: complete().
  Response take() { return std::move(response_); }

 private:
  static int on_message_begin(http_parser* p);
  static int on_status(http_parser* p, const char* at, std::size_t n);
  static int on_header_field(http_parser* p, const char* at, std::size_t n);
  static int on_header_value(http_parser* p, const char* at, std::size_t n);
  static int on_headers_complete(http_parser* p);
  static int on_body(http_parser* p, const char* at, std::size_t n);
  static int on_message_complete(http_parser* p);

  bool count_header_bytes(std::size_t n);

  HttpLimits limits_;
  ExpectBody expect_body_;
  http_parser parser_{};
  http_parser_settings settings_{};
  Response response_;
  std::vector<std::pair<std::string, std::string>> fields_;  ///< until headers complete
  std::optional<Error> callback_error_;
  std::size_t header_bytes_ = 0;
  bool in_value_ = false;  ///< the last header callback was on_header_value
  bool started_ = false;
  bool complete_ = false;
  bool keep_alive_ = false;
};

}  // namespace swarmform::engine
