#pragma once
// Turning one file's bytes into a YAML tree, safely: hostile input (binary
// garbage, alias bombs, deep nesting, huge files) is refused with a located
// error before or while it is parsed.

#include <optional>
#include <string_view>
#include <vector>

#include "reconciler/config/yaml_tree.h"
#include "reconciler/model/diagnostic.h"
#include "reconciler/model/source_file.h"

namespace swarmform::config {

inline constexpr int kMaxNesting = 64;

/// The root node of `file` (a map), or nullopt with the reasons added to `diags`.
std::optional<yaml::NodePtr> parse_document(const model::SourceFile& file, model::Diagnostics& diags);

/// Every document of `file` (none for a file of only comments), parsed under
/// the same guards as parse_document (size, UTF-8 text, nesting, alias
/// expansion), or nullopt with the reason added to `diags`.  What the
/// documents hold is not checked.
std::optional<std::vector<yaml::NodePtr>> parse_documents(const model::SourceFile& file, model::Diagnostics& diags);

/// The 1-based location of a node in `file`.
inline model::Location location_of(std::string_view file, const yaml::NodePtr& node) {
  return {std::string(file), node->line, node->column};
}

}  // namespace swarmform::config
