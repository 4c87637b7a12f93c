#pragma once
// Content hashes for change detection (not for security): FNV-1a 64-bit,
// written "fnv1a64:" + 16 lowercase hex digits.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reconciler/model/source_file.h"

namespace swarmform::plan {

uint64_t fnv1a64(std::string_view bytes);

/// "fnv1a64:" + 16 lowercase hex digits of fnv1a64(bytes).
std::string fnv1a64_text(std::string_view bytes);

/// The content hash of a desired state's files, independent of the order
/// they are given in: the files sorted by name, each contributing
/// name, NUL, decimal byte count, NUL, content.
std::string desired_content_hash(const std::vector<model::SourceFile>& files);

}  // namespace swarmform::plan
