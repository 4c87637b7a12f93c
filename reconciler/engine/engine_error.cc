#include "reconciler/engine/engine_error.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "reconciler/util/json_depth.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::engine {
namespace {

std::string trimmed(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(kSpace);
  return std::string(s.substr(b, e - b + 1));
}

/// The engine's {"message": "..."}; else the body itself, shortened.
std::string engine_message(const Response& r) {
  auto parsed = json_depth_within(r.body) ? nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false)
                                          : nlohmann::json(nlohmann::json::value_t::discarded);
  if (parsed.is_object()) {
    auto it = parsed.find("message");
    // The engine's words, shown to a terminal: never its control characters.
    if (it != parsed.end() && it->is_string()) return printable(it->get<std::string>());
  }
  std::string body = trimmed(r.body);
  if (body.empty()) return "(no message)";
  constexpr std::size_t kMax = 300;
  if (body.size() > kMax) body = body.substr(0, kMax) + "...";
  return printable(body);
}

}  // namespace

Error engine_error(std::string_view request, const Response& response) {
  std::string message = engine_message(response);
  ErrorKind kind = ErrorKind::failed;
  if (response.status == 404) {
    kind = ErrorKind::not_found;
  } else if (response.status == 409 ||
             (response.status == 500 &&
              message.find("update out of sequence") != std::string::npos)) {
    kind = ErrorKind::conflict;
  }
  return Error{kind, fmt::format("{}: HTTP {}: {}", request, response.status, message),
               response.status};
}

}  // namespace swarmform::engine
