#include "reconciler/render/markdown_escape.h"

#include <string_view>

namespace swarmform::render {

std::string markdown_escape(const std::string& s) {
  constexpr std::string_view kSpecial = "\\`*_[]<>|~#";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\n') {
      out += ' ';
      continue;
    }
    if (kSpecial.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace swarmform::render
