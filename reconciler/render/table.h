#pragma once

#include <string>
#include <vector>

namespace swarmform::render {

/// A plain text table: columns padded to their widest cell.  Cells may hold
/// ANSI colour codes; widths count only visible characters.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  /// Each row on its own line, prefixed by `indent`, columns two spaces apart.
  [[nodiscard]] std::string str(const std::string& indent = "") const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace swarmform::render
