#pragma once
// Turning one file's bytes into a yaml-cpp tree, safely: hostile input
// (binary garbage, alias bombs, deep nesting, huge files) is refused with a
// located error before or while yaml-cpp reads it.  yaml-cpp's exceptions stop
// here.

#include <yaml-cpp/yaml.h>

#include <optional>

#include "reconciler/model/diagnostic.h"
#include "reconciler/model/source_file.h"

namespace swarmform::config {

inline constexpr int kMaxNesting = 64;

/// The root node of `file` (a map), or nullopt with the reasons added to `diags`.
std::optional<YAML::Node> parse_document(const model::SourceFile& file, model::Diagnostics& diags);

/// The 1-based location of a node in `file`.
model::Location location_of(const std::string& file, const YAML::Node& node);

}  // namespace swarmform::config
