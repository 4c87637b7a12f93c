#pragma once
// A small read-only YAML tree built from libyaml's event stream.
//
// Why not yaml-cpp: on a 1,000-service state yaml-cpp's scanner took ~90 ms
// of a 118 ms `validate` (callgrind: 92% in YAML::RegEx::MatchUnchecked);
// libyaml parses the same 200 KB in ~4 ms.  The tree keeps what the loader
// needs: kinds, scalars with their style, and the 1-based place of every node.
//
// Hostile input stays bounded: aliases share the anchored node (nothing is
// expanded, so "billion laughs" costs nothing), and nesting deeper than
// `max_depth` stops the parse with an error.  libyaml itself keeps its parse
// state on the heap, not the call stack.

#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace swarmform::config::yaml {

enum class Kind { null, scalar, sequence, map };

struct Node;
using NodePtr = std::shared_ptr<const Node>;

struct Node {
  Kind kind = Kind::null;
  std::string scalar;  ///< the text of a scalar (also of a null: "", "~", "null")
  bool plain = false;  ///< an unquoted scalar without a tag: may be read as a number or bool
  int line = 0;        ///< 1-based
  int column = 0;      ///< 1-based
  std::vector<std::pair<NodePtr, NodePtr>> entries;  ///< map: key, value in file order (duplicates kept)
  std::vector<NodePtr> items;                        ///< sequence

  [[nodiscard]] bool is_null() const { return kind == Kind::null; }
  [[nodiscard]] bool is_scalar() const { return kind == Kind::scalar; }
  [[nodiscard]] bool is_map() const { return kind == Kind::map; }
  [[nodiscard]] bool is_sequence() const { return kind == Kind::sequence; }
};

struct ParseError {
  int line = 0;    ///< 1-based
  int column = 0;  ///< 1-based
  std::string message;
};

/// Parses every document of `text`.  On failure returns where and why
/// (libyaml's own problem text, or the depth/alias rule that was broken).
std::expected<std::vector<NodePtr>, ParseError> parse(std::string_view text, int max_depth);

}  // namespace swarmform::config::yaml
