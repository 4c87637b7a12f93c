#pragma once
// How deep JSON text nests, found by one pass over its bytes, before any
// parser or recursive reader sees it.  nlohmann's parser keeps its stack on
// the heap, but dump() and other readers recurse once per level: a /services
// body nested 100,000 levels deep (200 KB) overflowed the stack.

#include <cstddef>
#include <string_view>

namespace swarmform {

/// The nesting that JSON read from the engine (or from labels and configs it
/// stores) may have.  The deepest documents the engine sends (a service spec
/// with mount driver options, a task with its spec) nest about 10 levels; 100
/// leaves room for any engine version and keeps every recursive reader's
/// stack use to a few kilobytes.
inline constexpr std::size_t kMaxJsonDepth = 100;

/// True when no array or object in `text` is nested more than `max_depth`
/// levels deep (the outermost is level 1).  Brackets inside strings do not
/// count.  Malformed text is left for the parser to refuse.
bool json_depth_within(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

}  // namespace swarmform
