#include "reconciler/config/yaml_scalar.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

namespace swarmform::config {
namespace {

bool scalar_has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7F;
  });
}

/// The words swarmform's loader reads as null (as libyaml's core schema does).
bool loader_null_word(std::string_view text) {
  return text == "~" || text == "null" || text == "Null" || text == "NULL";
}

/// Plain scalars YAML 1.1 (libyaml) or 1.2 would read as something other
/// than a string.
bool any_yaml_types(std::string_view text) {
  static constexpr std::array kWords = {"true", "false", "yes", "no", "on",
                                        "off",  "null",  "y",   "n",  "~"};
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* w : kWords) {
    if (lower == w) return true;
  }
  // Numbers as YAML 1.1 or 1.2 resolve them (ints in any base, floats,
  // sexagesimals, .inf/.nan) and timestamps.
  static const std::regex kNumberOrDate(
      R"(^[-+]?(0b[01_]+|0x[0-9a-f_]+|0o?[0-7_]+|[0-9][0-9_]*(\.[0-9_]*)?(e[-+]?[0-9]+)?|\.[0-9_]+(e[-+]?[0-9]+)?)"
      R"(|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|\.(inf|nan))$|^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})");
  return std::regex_search(lower, kNumberOrDate);
}

}  // namespace

bool plain_safe(std::string_view text, ScalarReader reader, ScalarContext context) {
  if (text.empty() || scalar_has_control(text)) return false;
  if (text.front() == ' ' || text.back() == ' ' || text.back() == ':') return false;
  if (text.find(": ") != std::string_view::npos || text.find(" #") != std::string_view::npos)
    return false;
  constexpr std::string_view kIndicators = "-?:,[]{}#&*!|>'\"%@`";
  if (kIndicators.find(text.front()) != std::string_view::npos) {
    // "-1" and "-x" are plain scalars; "- x", "-" and "---" are not.
    if (text.front() != '-' || text.size() < 2 || text[1] == ' ' || text[1] == '-') return false;
  }
  if (context == ScalarContext::flow && text.find_first_of(",[]{}:") != std::string_view::npos)
    return false;
  if (reader == ScalarReader::swarmform) {
    // "..." ends a document where it starts a line, and the editor may write
    // a key at column 0.
    return !loader_null_word(text) && !text.starts_with("...");
  }
  if (text.front() == '-' || text.find_first_of(",[]{}") != std::string_view::npos) return false;
  if (std::any_of(text.begin(), text.end(),
                  [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; })) {
    return false;
  }
  return !any_yaml_types(text);
}

std::string double_quoted(std::string_view text, ScalarReader reader) {
  const bool named = reader == ScalarReader::swarmform;
  const char* hex = named ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out = "\"";
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (named && ch == '\n') {
      out += "\\n";
    } else if (named && ch == '\t') {
      out += "\\t";
    } else if (named && ch == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    } else {
      out += ch;  // UTF-8 bytes stay as they are
    }
  }
  return out + "\"";
}

std::string yaml_scalar(std::string_view text, ScalarReader reader, ScalarContext context) {
  return plain_safe(text, reader, context) ? std::string(text) : double_quoted(text, reader);
}

}  // namespace swarmform::config
