#include "reconciler/util/text_sanitize.h"

#include <cstdint>

namespace swarmform {
namespace {

enum class KeepNewlines { no, yes };

void hex_escape(std::string& out, unsigned char byte) {
  constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[byte >> 4];
  out += kHex[byte & 0xf];
}

/// Length of the valid UTF-8 sequence starting at text[i] (2..4), or 0.
size_t utf8_length(std::string_view text, size_t i, uint32_t* code_point) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  size_t n = 0;
  uint32_t cp = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    n = 2, cp = lead & 0x1fu;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    n = 3, cp = lead & 0x0fu;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    n = 4, cp = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3fu);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) {
    return 0;
  }
  *code_point = cp;
  return n;
}

std::string escaped(std::string_view text, KeepNewlines newlines) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      if ((b < 0x20 && !(b == '\n' && newlines == KeepNewlines::yes)) || b == 0x7f) {
        hex_escape(out, b);
      } else {
        out += static_cast<char>(b);
      }
      ++i;
      continue;
    }
    uint32_t cp = 0;
    size_t n = utf8_length(text, i, &cp);
    if (n == 0) {
      hex_escape(out, b);
      ++i;
    } else if (cp <= 0x9f) {  // C1: U+0080..U+009F (CSI is U+009B)
      out += "\\u00";
      out += "0123456789abcdef"[cp >> 4];
      out += "0123456789abcdef"[cp & 0xf];
      i += n;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace

std::string printable(std::string_view text) { return escaped(text, KeepNewlines::no); }

std::string printable_lines(std::string_view text) { return escaped(text, KeepNewlines::yes); }

bool is_printable(std::string_view text) { return printable(text) == text; }

}  // namespace swarmform
