#include "reconciler/plan/wording.h"

#include "reconciler/model/quantity.h"

namespace swarmform::plan {

std::string approx_memory(int64_t bytes) {
  std::string exact = model::format_memory(bytes);
  if (exact.size() < 2 || exact[exact.size() - 2] == 'i') return exact;  // already in a unit
  // Not exact in binary units: tenths of the largest unit that fits.
  constexpr int64_t kKi = 1024;
  const struct {
    int64_t unit;
    const char* name;
  } units[] = {
      {kKi * kKi * kKi * kKi, "TiB"}, {kKi * kKi * kKi, "GiB"}, {kKi * kKi, "MiB"}, {kKi, "KiB"}};
  for (const auto& u : units) {
    if (bytes < u.unit) continue;
    int64_t tenths = (bytes * 10 + u.unit / 2) / u.unit;
    std::string out = "~" + std::to_string(tenths / 10);
    if (tenths % 10 != 0) out += "." + std::to_string(tenths % 10);
    return out + u.name;
  }
  return exact;
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::string plural(uint64_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace swarmform::plan
