#include "reconciler/cli/duration.h"

#include <cstdint>
#include <string>

namespace swarmform::cli {

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  const std::string expected = "expected a duration such as 90s, 5m, 1h, 1m30s or 7d, not '" + std::string(text) + "'";
  if (text.empty()) return fail(expected);
  int64_t total = 0;
  int64_t number = -1;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      number = (number < 0 ? 0 : number) * 10 + (c - '0');
      if (number > 10'000'000) return fail(expected);
      continue;
    }
    int64_t unit = c == 'd' ? 86400 : c == 'h' ? 3600 : c == 'm' ? 60 : c == 's' ? 1 : 0;
    if (unit == 0 || number < 0) return fail(expected);
    total += number * unit;
    number = -1;
  }
  if (number >= 0) total += number;  // trailing bare seconds
  if (total <= 0) return fail(expected);
  return std::chrono::milliseconds(total * 1000);
}

}  // namespace swarmform::cli
