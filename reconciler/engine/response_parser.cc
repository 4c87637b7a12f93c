#include "reconciler/engine/response_parser.h"

#include <fmt/format.h>

namespace swarmform::engine {
namespace {
ResponseParser& self(http_parser* p) { return *static_cast<ResponseParser*>(p->data); }

// Bytes of a header line that the field/value callbacks do not report: ": " and CRLF.
constexpr std::size_t kHeaderLineOverhead = 4;
}  // namespace

ResponseParser::ResponseParser(HttpLimits limits, ExpectBody expect_body)
    : limits_(limits), expect_body_(expect_body) {
  http_parser_init(&parser_, HTTP_RESPONSE);
  http_parser_settings_init(&settings_);
  settings_.on_message_begin = &ResponseParser::on_message_begin;
  settings_.on_status = &ResponseParser::on_status;
  settings_.on_header_field = &ResponseParser::on_header_field;
  settings_.on_header_value = &ResponseParser::on_header_value;
  settings_.on_headers_complete = &ResponseParser::on_headers_complete;
  settings_.on_body = &ResponseParser::on_body;
  settings_.on_message_complete = &ResponseParser::on_message_complete;
}

Result<std::size_t> ResponseParser::feed(std::string_view data) {
  if (data.empty()) return 0;
  parser_.data = this;
  std::size_t used = http_parser_execute(&parser_, &settings_, data.data(), data.size());
  if (callback_error_) return fail(*callback_error_);
  auto err = HTTP_PARSER_ERRNO(&parser_);
  if (err == HPE_PAUSED) return used;  // paused by on_message_complete
  if (err == HPE_HEADER_OVERFLOW) {
    return fail(
        fmt::format("oversized response headers (over {} bytes)", limits_.max_header_bytes));
  }
  if (err != HPE_OK) {
    return fail(fmt::format("malformed response ({})", http_errno_description(err)));
  }
  if (parser_.upgrade != 0 && !complete_) return fail("malformed response (protocol upgrade)");
  return used;
}

Result<void> ResponseParser::finish() {
  if (complete_ || !started_) return {};
  parser_.data = this;
  // A zero-length execute signals end of stream to http-parser.
  http_parser_execute(&parser_, &settings_, nullptr, 0);
  if (callback_error_) return fail(*callback_error_);
  auto err = HTTP_PARSER_ERRNO(&parser_);
  if (err != HPE_OK && err != HPE_PAUSED && err != HPE_INVALID_EOF_STATE) {
    return fail(fmt::format("malformed response ({})", http_errno_description(err)));
  }
  return {};
}

bool ResponseParser::count_header_bytes(std::size_t n) {
  header_bytes_ += n;
  if (header_bytes_ <= limits_.max_header_bytes) return true;
  callback_error_ =
      Error{ErrorKind::failed,
            fmt::format("oversized response headers (over {} bytes)", limits_.max_header_bytes), 0};
  return false;
}

int ResponseParser::on_message_begin(http_parser* p) {
  self(p).started_ = true;
  return 0;
}

int ResponseParser::on_status(http_parser* p, const char* /*at*/, std::size_t n) {
  return self(p).count_header_bytes(n) ? 0 : -1;
}

int ResponseParser::on_header_field(http_parser* p, const char* at, std::size_t n) {
  auto& s = self(p);
  if (s.fields_.empty() || s.in_value_) {
    if (!s.count_header_bytes(kHeaderLineOverhead)) return -1;
    s.fields_.emplace_back();
    s.in_value_ = false;
  }
  if (!s.count_header_bytes(n)) return -1;
  s.fields_.back().first.append(at, n);
  return 0;
}

int ResponseParser::on_header_value(http_parser* p, const char* at, std::size_t n) {
  auto& s = self(p);
  if (s.fields_.empty()) return -1;  // http-parser never sends a value before a field
  if (!s.count_header_bytes(n)) return -1;
  s.in_value_ = true;
  s.fields_.back().second.append(at, n);
  return 0;
}

int ResponseParser::on_headers_complete(http_parser* p) {
  auto& s = self(p);
  s.response_.status = static_cast<int>(p->status_code);
  for (auto& [name, value] : s.fields_) s.response_.headers.add(std::move(name), std::move(value));
  s.fields_.clear();
  if ((p->flags & F_CONTENTLENGTH) != 0) {
    if (p->content_length > s.limits_.max_body_bytes) {
      s.callback_error_ = Error{
          ErrorKind::failed,
          fmt::format("oversized response body (over {} bytes)", s.limits_.max_body_bytes), 0};
      return -1;
    }
    s.response_.body.reserve(static_cast<std::size_t>(p->content_length));
  }
  return s.expect_body_ == ExpectBody::no ? 1 : 0;
}

int ResponseParser::on_body(http_parser* p, const char* at, std::size_t n) {
  auto& s = self(p);
  if (s.response_.body.size() + n > s.limits_.max_body_bytes) {
    s.callback_error_ =
        Error{ErrorKind::failed,
              fmt::format("oversized response body (over {} bytes)", s.limits_.max_body_bytes), 0};
    return -1;
  }
  s.response_.body.append(at, n);
  return 0;
}

int ResponseParser::on_message_complete(http_parser* p) {
  auto& s = self(p);
  s.complete_ = true;
  s.keep_alive_ = http_should_keep_alive(p) != 0;
  // Stop at the end of this response: later bytes are not ours to parse.
  http_parser_pause(p, 1);
  return 0;
}

}  // namespace swarmform::engine
