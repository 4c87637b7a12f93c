#pragma once
// Plain values for one HTTP/1.1 exchange: header list with case-insensitive
// lookup, a response, and the size limits every response is held to.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace swarmform::engine {

/// Header fields in the order received; names keep their original case.
class Headers {
 public:
  void add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
  }
  /// The value of the first field named `name` (ASCII case-insensitive), or
  /// nullopt.  The view is valid while this Headers lives and is not modified.
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& all() const {
    return fields_;
  }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Response {
  int status = 0;
  Headers headers;
  std::string body;
};

/// Bounds on what one response may hold; beyond them the response is refused
/// with an error instead of exhausting memory.
struct HttpLimits {
  std::size_t max_header_bytes = 64 * 1024;        ///< status line + all header lines
  std::size_t max_body_bytes = 256 * 1024 * 1024;  ///< decoded body
};

/// Whether the response can carry a body (no for answers to HEAD).
enum class ExpectBody { no, yes };

}  // namespace swarmform::engine
