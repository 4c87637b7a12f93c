#pragma once
// How advise's sentences print a figure ("4.1", "0.25 CPUs", "512MiB"), for
// advice.cc and placement.cc alike.  Internal to the advise module.

#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>

#include "reconciler/advise/placement_search.h"
#include "reconciler/model/quantity.h"

namespace swarmform::advise::detail {

/// "4.1", "0.25", "12": at most two decimals, for sentences.
inline std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

/// Nano-CPUs as cores, as num() prints them (a 128-bit sum too).
inline std::string cpus(i128 nano) { return num(static_cast<double>(nano) / 1e9); }

/// Bytes as model::format_memory prints them; the saturated figure (or a
/// 128-bit sum past it) is "more than can be counted".
inline std::string memory(i128 bytes) {
  if (bytes >= std::numeric_limits<int64_t>::max()) return "more than can be counted";
  return model::format_memory(static_cast<int64_t>(bytes));
}

}  // namespace swarmform::advise::detail
