#pragma once
// Terminal styling: ANSI colour when writing to a terminal, plain text
// otherwise (NO_COLOR set, --no-color, or not a tty).

#include <string>
#include <string_view>

namespace swarmform::render {

struct Style {
  bool color = false;

  [[nodiscard]] std::string red(std::string_view s) const { return wrap("31", s); }
  [[nodiscard]] std::string green(std::string_view s) const { return wrap("32", s); }
  [[nodiscard]] std::string yellow(std::string_view s) const { return wrap("33", s); }
  [[nodiscard]] std::string bold(std::string_view s) const { return wrap("1", s); }
  [[nodiscard]] std::string dim(std::string_view s) const { return wrap("2", s); }

 private:
  [[nodiscard]] std::string wrap(std::string_view code, std::string_view s) const {
    if (!color) return std::string(s);
    return "\x1b[" + std::string(code) + "m" + std::string(s) + "\x1b[0m";
  }
};

/// Colour for `fd` unless NO_COLOR is set, `no_color` is true, or fd is not a tty.
Style style_for(int fd, bool no_color);

}  // namespace swarmform::render
