#include "reconciler/engine/http_client.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <utility>

#include "reconciler/engine/response_parser.h"

namespace swarmform::engine {

std::string format_request(std::string_view method, std::string_view target,
                           std::optional<std::string_view> json_body) {
  std::string wire = fmt::format(
      "{} {} HTTP/1.1\r\nHost: docker\r\nUser-Agent: swarmform/" SWARMFORM_VERSION "\r\n", method,
      target);
  if (json_body) {
    wire += fmt::format("Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                        json_body->size());
    wire += *json_body;
  } else if (method == "POST" || method == "PUT") {
    wire += "Content-Length: 0\r\n\r\n";
  } else {
    wire += "\r\n";
  }
  return wire;
}

HttpClient::HttpClient(transport::Dialer dialer, HttpLimits limits)
    : dialer_(std::move(dialer)), limits_(limits) {}

std::string HttpClient::describe() const { return stream_ ? stream_->describe() : last_peer_; }

Result<void> HttpClient::dial() {
  SF_TRY_ASSIGN(stream_, dialer_());
  if (!stream_) return fail("dialer returned no stream");
  stream_used_ = false;
  last_peer_ = stream_->describe();
  return {};
}

Result<void> HttpClient::connect() {
  if (stream_) return {};
  return dial();
}

Result<Response> HttpClient::settle(Result<Outcome> outcome, bool reused, const std::string& wire,
                                    ExpectBody expect, Response* response) {
  if (outcome && *outcome == Outcome::closed_before_response && reused) {
    stream_.reset();
    SF_TRY(dial());
    outcome = exchange(wire, expect, response);
  }
  if (!outcome) {
    stream_.reset();
    return fail(outcome.error());
  }
  if (*outcome == Outcome::closed_before_response) {
    std::string peer = stream_->describe();
    stream_.reset();
    return fail("no response from " + peer + " (connection closed)");
  }
  return std::move(*response);
}

Result<Response> HttpClient::request(std::string_view method, std::string_view target,
                                     std::optional<std::string_view> json_body) {
  const std::string wire = format_request(method, target, json_body);
  const ExpectBody expect = method == "HEAD" ? ExpectBody::no : ExpectBody::yes;
  if (!stream_) SF_TRY(dial());
  // The request line only: bodies may carry secrets (a service's env).
  spdlog::trace("{}: {} {} HTTP/1.1{}", stream_->describe(), method, target,
                json_body ? fmt::format(" ({} bytes of JSON)", json_body->size()) : "");
  const bool reused = stream_used_;
  Response response;
  SF_TRY_ASSIGN(response, settle(exchange(wire, expect, &response), reused, wire, expect, &response));
  spdlog::trace("{}: {} {} -> HTTP {}", last_peer_, method, target, response.status);
  return response;
}

Result<void> HttpClient::send(std::string_view method, std::string_view target) {
  if (pending_) return fail(describe() + ": send() with a request still unanswered");
  Pending p{format_request(method, target, std::nullopt), fmt::format("{} {}", method, target),
            method == "HEAD" ? ExpectBody::no : ExpectBody::yes, false, std::nullopt};
  if (!stream_) SF_TRY(dial());
  spdlog::trace("{}: {} HTTP/1.1 (sent, answer read later)", stream_->describe(), p.line);
  p.reused = stream_used_;
  auto written = write_request(p.wire);
  if (!written) {
    stream_.reset();
    return fail(written.error());
  }
  if (*written == Outcome::closed_before_response) p.written = *written;
  pending_ = std::move(p);
  return {};
}

Result<Response> HttpClient::receive() {
  if (!pending_) return fail(describe() + ": receive() with no request sent");
  Pending p = std::move(*pending_);
  pending_.reset();
  if (!stream_) return fail("no response from " + last_peer_ + " (connection closed)");
  Response response;
  Result<Outcome> outcome = p.written ? Result<Outcome>(*p.written) : read_response(p.expect, &response);
  SF_TRY_ASSIGN(response, settle(std::move(outcome), p.reused, p.wire, p.expect, &response));
  spdlog::trace("{}: {} -> HTTP {}", last_peer_, p.line, response.status);
  return response;
}

Result<HttpClient::Outcome> HttpClient::write_request(std::string_view wire) {
  if (auto written = stream_->write_all(wire); !written) {
    // A kept-alive connection the engine closed may refuse the write instead
    // of answering EOF; the caller redials in that case too.
    if (stream_used_ && written.error().kind != ErrorKind::timeout) {
      return Outcome::closed_before_response;
    }
    return fail(written.error());
  }
  return Outcome::response;
}

Result<HttpClient::Outcome> HttpClient::exchange(std::string_view wire, ExpectBody expect_body,
                                                 Response* out) {
  SF_TRY_ASSIGN(Outcome written, write_request(wire));
  if (written == Outcome::closed_before_response) return written;
  return read_response(expect_body, out);
}

Result<HttpClient::Outcome> HttpClient::read_response(ExpectBody expect_body, Response* out) {
  ResponseParser parser(limits_, expect_body);
  std::array<char, 64 * 1024> buf{};
  while (!parser.complete()) {
    SF_TRY_ASSIGN(std::size_t n, stream_->read_some(buf));
    if (n == 0) {
      if (!parser.started()) return Outcome::closed_before_response;
      if (auto done = parser.finish(); !done) {
        return fail(done.error().message + " from " + stream_->describe());
      }
      if (!parser.complete()) return fail("truncated response from " + stream_->describe());
      stream_.reset();  // the body ran until close
      *out = parser.take();
      return Outcome::response;
    }
    auto used = parser.feed(std::string_view(buf.data(), n));
    if (!used) {
      return fail(
          Error{used.error().kind, used.error().message + " from " + stream_->describe(), 0});
    }
    if (parser.complete() && *used < n) {
      // Bytes after the response that no request asked for: the connection's
      // framing can no longer be trusted.
      *out = parser.take();
      stream_.reset();
      return Outcome::response;
    }
  }
  *out = parser.take();
  if (parser.keep_alive()) {
    stream_used_ = true;
  } else {
    stream_.reset();
  }
  return Outcome::response;
}

}  // namespace swarmform::engine
