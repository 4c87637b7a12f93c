#pragma once
// Finding lines in rendered text (usage, advise, ...) in tests.

#include <string>
#include <vector>

namespace swarmform::testing {

/// The lines of `text`, without their newlines.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

/// The first line holding `needle`, or "" when none does.
inline std::string line_with(const std::string& text, const std::string& needle) {
  for (const auto& l : lines_of(text)) {
    if (l.find(needle) != std::string::npos) return l;
  }
  return "";
}

/// The first line starting with `prefix`, or "" when none does.
inline std::string line_starting(const std::string& text, const std::string& prefix) {
  for (const auto& l : lines_of(text)) {
    if (l.starts_with(prefix)) return l;
  }
  return "";
}

inline bool has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace swarmform::testing
