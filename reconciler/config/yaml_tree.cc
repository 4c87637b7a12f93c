#include "reconciler/config/yaml_tree.h"

#include <yaml.h>

#include <algorithm>
#include <map>

namespace swarmform::config::yaml {
namespace {

/// Owns a libyaml parser and the event it last produced.
class EventReader {
 public:
  explicit EventReader(std::string_view text) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  ~EventReader() {
    if (have_event_) yaml_event_delete(&event_);
    yaml_parser_delete(&parser_);
  }
  EventReader(const EventReader&) = delete;
  EventReader& operator=(const EventReader&) = delete;

  /// The next event, or the parser's error.
  std::expected<const yaml_event_t*, ParseError> next() {
    if (have_event_) yaml_event_delete(&event_);
    have_event_ = yaml_parser_parse(&parser_, &event_) != 0;
    if (!have_event_) {
      std::string message = parser_.problem ? parser_.problem : "malformed YAML";
      if (parser_.context) message = std::string(parser_.context) + ", " + message;
      const yaml_mark_t& mark = parser_.problem ? parser_.problem_mark : parser_.mark;
      return std::unexpected(ParseError{static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1, message});
    }
    return &event_;
  }

 private:
  yaml_parser_t parser_{};
  yaml_event_t event_{};
  bool have_event_ = false;
};

/// libyaml's marks count characters (a UTF-8 BOM not counted); the tree
/// gives byte offsets.  Text that is all ASCII after the BOM needs no table.
class ByteOffsets {
 public:
  explicit ByteOffsets(std::string_view text) : size_(text.size()) {
    if (text.starts_with("\xEF\xBB\xBF")) bom_ = 3;
    bool ascii = true;
    for (size_t i = bom_; i < text.size() && ascii; ++i) ascii = static_cast<unsigned char>(text[i]) < 0x80;
    if (ascii) return;
    for (size_t i = bom_; i < text.size(); ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts_.push_back(i);
    }
    table_ = true;
  }

  /// The byte offset of character `index` (the end of the text past the last).
  [[nodiscard]] size_t at(size_t index) const {
    if (!table_) return index < size_ - bom_ ? bom_ + index : size_;
    return index < starts_.size() ? starts_[index] : size_;
  }

 private:
  std::vector<size_t> starts_;  // byte offset of each character, when not ASCII
  size_t size_ = 0;
  size_t bom_ = 0;
  bool table_ = false;
};

std::shared_ptr<Node> node_at(Kind kind, const yaml_event_t& e, const ByteOffsets& bytes) {
  auto n = std::make_shared<Node>();
  n->kind = kind;
  n->line = static_cast<int>(e.start_mark.line) + 1;
  n->column = static_cast<int>(e.start_mark.column) + 1;
  n->start = bytes.at(e.start_mark.index);
  n->end = bytes.at(e.end_mark.index);
  return n;
}

/// libyaml starts a node at its anchor or tag; its range starts after them.
void skip_properties(Node& n, std::string_view text) {
  size_t p = n.start;
  const size_t end = std::min(n.end, text.size());
  auto blank = [&](size_t i) { return text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'; };
  while (p < end && (text[p] == '&' || text[p] == '!')) {
    while (p < end && !blank(p)) ++p;
    while (p < end && blank(p)) ++p;
  }
  n.start = p;
}

ScalarStyle style_of(yaml_scalar_style_t s) {
  switch (s) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
      return ScalarStyle::single_quoted;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
      return ScalarStyle::double_quoted;
    case YAML_LITERAL_SCALAR_STYLE:
      return ScalarStyle::literal;
    case YAML_FOLDED_SCALAR_STYLE:
      return ScalarStyle::folded;
    default:
      return ScalarStyle::plain;
  }
}

std::string text_of(const yaml_char_t* s) { return s ? reinterpret_cast<const char*>(s) : ""; }

bool is_null_text(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

uint64_t add_weight(uint64_t a, uint64_t b) {
  uint64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? UINT64_MAX : sum;
}

std::string size_words(uint64_t weight) {
  if (weight >= (uint64_t{1} << 20)) return std::to_string(weight >> 20) + " MiB";
  if (weight >= 1024) return std::to_string(weight >> 10) + " KiB";
  return std::to_string(weight) + " bytes";
}

}  // namespace

std::expected<std::vector<NodePtr>, ParseError> parse(std::string_view text, int max_depth,
                                                      uint64_t max_alias_expansion) {
  EventReader reader(text);
  const ByteOffsets bytes(text);
  std::vector<NodePtr> documents;
  std::vector<std::shared_ptr<Node>> open;  // collections being filled, innermost last
  std::vector<NodePtr> pending_key;         // per open map: a key waiting for its value
  std::vector<std::string> open_anchor;     // per open collection: its anchor, if any
  std::vector<uint64_t> open_weight;        // per open collection: its weight so far
  struct Anchored {
    NodePtr node;
    uint64_t weight = 0;  // with the aliases inside it expanded
  };
  std::map<std::string, Anchored, std::less<>> anchors;
  NodePtr root;
  uint64_t alias_expansion = 0;  // what the aliases of this file add when read

  // Attaches a finished node of `weight` to the collection that contains it.
  auto attach = [&](NodePtr n, uint64_t weight) {
    if (open.empty()) {
      root = std::move(n);
      return;
    }
    open_weight.back() = add_weight(open_weight.back(), weight);
    Node& parent = *open.back();
    if (parent.kind == Kind::sequence) {
      parent.items.push_back(std::move(n));
    } else if (!pending_key.back()) {
      pending_key.back() = std::move(n);
    } else {
      parent.entries.emplace_back(std::move(pending_key.back()), std::move(n));
      pending_key.back() = nullptr;
    }
  };
  auto remember = [&](const yaml_char_t* anchor, const NodePtr& n, uint64_t weight) {
    if (anchor) anchors[text_of(anchor)] = {n, weight};
  };

  for (;;) {
    auto event = reader.next();
    if (!event) return std::unexpected(event.error());
    const yaml_event_t& e = **event;
    switch (e.type) {
      case YAML_STREAM_END_EVENT:
        return documents;
      case YAML_DOCUMENT_START_EVENT:
        root = nullptr;
        anchors.clear();
        break;
      case YAML_DOCUMENT_END_EVENT:
        documents.push_back(root ? root : std::make_shared<Node>());
        break;
      case YAML_SCALAR_EVENT: {
        auto n = node_at(Kind::scalar, e, bytes);
        n->scalar.assign(reinterpret_cast<const char*>(e.data.scalar.value), e.data.scalar.length);
        n->plain = e.data.scalar.plain_implicit && e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        n->style = style_of(e.data.scalar.style);
        n->anchor = text_of(e.data.scalar.anchor);
        if (e.data.scalar.anchor || e.data.scalar.tag) skip_properties(*n, text);
        if (n->plain && is_null_text(n->scalar)) n->kind = Kind::null;
        const uint64_t weight = kNodeWeight + n->scalar.size();
        remember(e.data.scalar.anchor, n, weight);
        attach(std::move(n), weight);
        break;
      }
      case YAML_ALIAS_EVENT: {
        auto it = anchors.find(text_of(e.data.alias.anchor));
        if (it == anchors.end()) {
          return std::unexpected(ParseError{static_cast<int>(e.start_mark.line) + 1,
                                            static_cast<int>(e.start_mark.column) + 1,
                                            "alias *" + text_of(e.data.alias.anchor) + " names no anchor"});
        }
        // Each reference is read (and copied into the model) as if written out.
        const uint64_t weight = it->second.weight;
        alias_expansion = add_weight(alias_expansion, weight);
        if (alias_expansion > max_alias_expansion) {
          return std::unexpected(ParseError{
              static_cast<int>(e.start_mark.line) + 1, static_cast<int>(e.start_mark.column) + 1,
              "alias *" + it->first + " expands to about " + size_words(weight) +
                  ", which takes the aliases of this file past " + size_words(max_alias_expansion) +
                  " when read: write the values out, or refer to a smaller anchor"});
        }
        attach(it->second.node, weight);
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        if (static_cast<int>(open.size()) >= max_depth) {
          return std::unexpected(ParseError{static_cast<int>(e.start_mark.line) + 1,
                                            static_cast<int>(e.start_mark.column) + 1,
                                            "nested more than " + std::to_string(max_depth) +
                                                " levels deep: a desired-state file never needs this"});
        }
        bool map = e.type == YAML_MAPPING_START_EVENT;
        auto n = node_at(map ? Kind::map : Kind::sequence, e, bytes);
        n->flow = map ? e.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                      : e.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
        n->anchor = text_of(map ? e.data.mapping_start.anchor : e.data.sequence_start.anchor);
        if (!n->anchor.empty() || (map ? e.data.mapping_start.tag : e.data.sequence_start.tag)) {
          skip_properties(*n, text);
        }
        // The anchor is registered when the collection ends, so an alias
        // inside it to itself fails instead of making a cycle.
        open_anchor.push_back(n->anchor);
        open.push_back(std::move(n));
        pending_key.push_back(nullptr);
        open_weight.push_back(kNodeWeight);
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        open.back()->end = bytes.at(e.end_mark.index);
        NodePtr done = std::move(open.back());
        const uint64_t weight = open_weight.back();
        open.pop_back();
        pending_key.pop_back();
        open_weight.pop_back();
        if (!open_anchor.back().empty()) anchors[open_anchor.back()] = {done, weight};
        open_anchor.pop_back();
        attach(std::move(done), weight);
        break;
      }
      default:
        break;
    }
  }
}

}  // namespace swarmform::config::yaml
