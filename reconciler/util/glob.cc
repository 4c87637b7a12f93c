#include "reconciler/util/glob.h"

#include <fnmatch.h>

namespace swarmform {

bool valid_glob(std::string_view pattern, std::string* why) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      if (++i == pattern.size()) {
        *why = "it ends with an unescaped '\\'";
        return false;
      }
    } else if (c == '[') {
      size_t j = i + 1;
      if (j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^')) ++j;
      if (j < pattern.size() && pattern[j] == ']') ++j;  // a leading ']' is literal
      while (j < pattern.size() && pattern[j] != ']') ++j;
      if (j == pattern.size()) {
        *why = "the '[' at position " + std::to_string(i + 1) + " is never closed";
        return false;
      }
      i = j;
    }
  }
  if (pattern.empty()) {
    *why = "it is empty";
    return false;
  }
  return true;
}

bool glob_matches(const std::string& pattern, const std::string& name) {
  return fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

}  // namespace swarmform
