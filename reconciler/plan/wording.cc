#include "reconciler/plan/wording.h"

#include "reconciler/model/quantity.h"

namespace swarmform::plan {

std::string approx_memory(int64_t bytes) {
  std::string shown = model::memory_readable(bytes);
  // "~" when the one decimal is not the exact value (parse_memory_bytes reads
  // every unit memory_readable prints but EiB, which is never exact here).
  auto back = model::parse_memory_bytes(shown, true);
  return back && *back == bytes ? shown : "~" + shown;
}

std::string exact_memory_when_close(int64_t declared, int64_t real) {
  if (declared == real || model::memory_readable(declared) != model::memory_readable(real)) return "";
  return std::to_string(real) + " bytes against " + std::to_string(declared) + " declared";
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
