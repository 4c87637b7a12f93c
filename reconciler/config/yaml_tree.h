#pragma once
// A small read-only YAML tree built from libyaml's event stream.
//
// Why not yaml-cpp: on a 1,000-service state yaml-cpp's scanner took ~90 ms
// of a 118 ms `validate` (callgrind: 92% in YAML::RegEx::MatchUnchecked);
// libyaml parses the same 200 KB in ~4 ms.  The tree keeps what the loader
// needs: kinds, scalars with their style, and the 1-based place of every node;
// for the editor (yaml_edit.h) also each node's byte range in the text, its
// anchor and whether a collection is written in flow style.
//
// Hostile input stays bounded: aliases share the anchored node (nothing is
// expanded in the tree), but whoever reads the tree visits and copies an
// aliased node once per reference, so what aliases expand to is counted as
// the tree is built and limited (`max_alias_expansion`): past it the parse
// stops with an error at the alias that crossed it.  Nesting deeper than
// `max_depth` stops the parse with an error.  libyaml itself keeps its parse
// state on the heap, not the call stack.

#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace swarmform::config::yaml {

enum class Kind : uint8_t { null, scalar, sequence, map };

/// How a scalar is written.
enum class ScalarStyle : uint8_t { plain, single_quoted, double_quoted, literal, folded };

struct Node;
using NodePtr = std::shared_ptr<const Node>;

struct Node {
  std::string scalar;  ///< the text of a scalar (also of a null: "", "~", "null")
  std::vector<std::pair<NodePtr, NodePtr>> entries;  ///< map: key, value in file order (duplicates kept)
  std::vector<NodePtr> items;                        ///< sequence
  std::string anchor;  ///< the `&name` on this node, if any (an alias shares the anchored node)
  /// Byte offsets in the parsed text: the node's first byte and one past its
  /// last.  An empty scalar (`key:` with nothing) has start == end, just past
  /// the `:`.  A flow collection ends just past its `}` or `]`; a block one
  /// where libyaml closed it, which may be after trailing blank and comment
  /// lines.  A tag or anchor before the node is not part of its range.
  size_t start = 0;
  size_t end = 0;
  int line = 0;        ///< 1-based
  int column = 0;      ///< 1-based
  Kind kind = Kind::null;
  bool plain = false;  ///< an unquoted scalar without a tag: may be read as a number or bool
  ScalarStyle style = ScalarStyle::plain;  ///< a scalar's (or null's) style as written
  bool flow = false;   ///< a map or sequence written in flow style ({...} or [...])

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

/// What reading a node costs, counted while parsing with aliases expanded
/// ("weight"): kNodeWeight per node plus the bytes of its scalars, about what
/// it costs once copied into the model (a std::string is 32 bytes).
inline constexpr uint64_t kNodeWeight = 32;

/// How much aliases may add to one file, in weight (about bytes of the model):
/// 32 MiB.  A shared block of 50 labels referenced by 1,000 services adds
/// about 5 MiB; a 242 KB file of 4,000 references to a 10,000-entry map
/// would add about 4 GiB and is stopped at its 50th reference or so.
inline constexpr uint64_t kMaxAliasExpansion = uint64_t{32} << 20;

/// Parses every document of `text`.  On failure returns where and why
/// (libyaml's own problem text, or the depth/alias rule that was broken).
std::expected<std::vector<NodePtr>, ParseError> parse(std::string_view text, int max_depth,
                                                      uint64_t max_alias_expansion = kMaxAliasExpansion);

}  // namespace swarmform::config::yaml
