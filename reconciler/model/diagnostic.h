#pragma once
// Diagnostics: errors and warnings gathered across a whole run (never only
// the first), each with the place it is about.

#include <string>
#include <vector>

#include "reconciler/model/desired.h"

namespace swarmform::model {

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  Location where;  ///< file may be empty for findings about the whole state
  std::string message;
};

class Diagnostics {
 public:
  void error(Location where, std::string message) {
    items_.push_back({Severity::error, std::move(where), std::move(message)});
  }
  void warning(Location where, std::string message) {
    items_.push_back({Severity::warning, std::move(where), std::move(message)});
  }
  void add(Diagnostic d) { items_.push_back(std::move(d)); }

  [[nodiscard]] bool has_errors() const;
  [[nodiscard]] size_t count(Severity s) const;
  [[nodiscard]] const std::vector<Diagnostic>& items() const { return items_; }

  /// Orders by file, line, column (stable for equal places), for output.
  void sort();

 private:
  std::vector<Diagnostic> items_;
};

/// "file:line:column: error: message" (parts of the place that are unknown are left out).
std::string format_diagnostic(const Diagnostic& d);

}  // namespace swarmform::model
