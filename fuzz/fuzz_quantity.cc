// The quantity parsers on the input as text (CPUs, memory, ratios), each
// value that parses formatted back and parsed again to itself; and, from the
// first 24 bytes taken as three int64, every formatter and the checked
// arithmetic, which must be total over their input type.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "reconciler/model/quantity.h"

namespace {

using namespace swarmform::model;
using swarmform::fuzz::broken;

void parsers(std::string_view text) {
  for (bool allow_zero : {false, true}) {
    if (auto cpus = parse_nano_cpus(text, allow_zero)) {
      if (*cpus < 0) broken("negative CPUs parsed", std::string(text));
      std::string shown = format_cpus(*cpus);
      auto back = parse_nano_cpus(shown, true);
      if (!back || *back != *cpus) broken("format_cpus does not read back", shown);
    }
    if (auto bytes = parse_memory_bytes(text, allow_zero)) {
      if (*bytes < 0) broken("negative memory parsed", std::string(text));
      std::string shown = format_memory(*bytes);
      auto back = parse_memory_bytes(shown, true);
      if (!back || *back != *bytes) broken("format_memory does not read back", shown);
    }
  }
  if (auto ratio = parse_ratio(text)) {
    if (*ratio <= 0) broken("non-positive ratio parsed", std::string(text));
    auto back = parse_ratio(format_cpus(*ratio));  // billionths: the same exact decimal
    if (!back || *back != *ratio) broken("ratio does not read back", format_cpus(*ratio));
  }
}

void formatters(int64_t a, int64_t b, int64_t c) {
  (void)format_cpus(a);
  (void)format_memory(a);
  (void)format_ratio(a, b);
  (void)ratio_nano(a, b);
  (void)within_budget(a, b, c);
  (void)saturating_add(a, b);
  (void)saturating_mul(a, static_cast<uint64_t>(b));
  (void)product_at_most(static_cast<uint64_t>(a), b, static_cast<uint64_t>(c), a);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  parsers(std::string_view(reinterpret_cast<const char*>(data), size));
  if (size >= 3 * sizeof(int64_t)) {
    int64_t v[3];
    std::memcpy(v, data, sizeof v);
    formatters(v[0], v[1], v[2]);
  }
  return 0;
}
