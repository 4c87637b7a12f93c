#pragma once
// Errors and notes on stderr as `usage` and `advise` print them:
// "swarmform: error: ..." in red, "swarmform: note: ..." in yellow (when
// stderr is a terminal and colour is not turned off), every message made
// printable first.

#include <unistd.h>

#include <iostream>
#include <string>

#include "reconciler/cli/options.h"
#include "reconciler/render/style.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::cli {

class Printer {
 public:
  explicit Printer(bool no_color) : err_(render::style_for(STDERR_FILENO, no_color)) {}
  /// Prints the error; returns kExitError, for `return printer.error(...)`.
  int error(const std::string& message) const {
    std::cerr << err_.red("swarmform: error: " + printable(message)) << "\n";
    return kExitError;
  }
  void note(const std::string& message) const {
    std::cerr << err_.yellow("swarmform: note: " + printable(message)) << "\n";
  }

 private:
  render::Style err_;
};

}  // namespace swarmform::cli
