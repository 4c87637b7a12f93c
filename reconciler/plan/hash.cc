#include "reconciler/plan/hash.h"

#include <algorithm>
#include <array>

namespace swarmform::plan {

uint64_t fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string fnv1a64_text(std::string_view bytes) {
  static constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7',
                                             '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  uint64_t h = fnv1a64(bytes);
  std::string out = "fnv1a64:";
  for (int shift = 60; shift >= 0; shift -= 4) out += kHex[(h >> shift) & 0xF];
  return out;
}

std::string desired_content_hash(const std::vector<model::SourceFile>& files) {
  std::vector<const model::SourceFile*> sorted;
  for (const auto& f : files) sorted.push_back(&f);
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const model::SourceFile* a, const model::SourceFile* b) { return a->name < b->name; });
  std::string canonical;
  for (const model::SourceFile* f : sorted) {
    canonical += f->name;
    canonical += '\0';
    canonical += std::to_string(f->content.size());
    canonical += '\0';
    canonical += f->content;
  }
  return fnv1a64_text(canonical);
}

}  // namespace swarmform::plan
