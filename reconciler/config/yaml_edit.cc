#include "reconciler/config/yaml_edit.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <utility>

#include "reconciler/config/yaml_document.h"
#include "reconciler/config/yaml_scalar.h"
#include "reconciler/model/diagnostic.h"
#include "reconciler/model/source_file.h"

namespace swarmform::config {
namespace {

using yaml::Node;
using yaml::NodePtr;
using yaml::ScalarStyle;

// ---------------------------------------------------------------- messages

std::string place(const std::string& file, const Node& n) {
  return file + ":" + std::to_string(n.line) + ":" + std::to_string(n.column);
}

std::string line_column(const Node& n) { return std::to_string(n.line) + ":" + std::to_string(n.column); }

std::string dotted(const YamlPath& path, size_t count) {
  std::string out;
  for (size_t i = 0; i < count && i < path.size(); ++i) {
    if (i) out += '.';
    out += path[i];
  }
  return out;
}

/// "the document" or 'services.api', the map at the first `count` keys of `path`.
std::string named(const YamlPath& path, size_t count) {
  return count == 0 ? std::string("the document") : "'" + dotted(path, count) + "'";
}

std::string kind_words(const Node& n) {
  if (n.is_map()) return n.flow ? "a flow map" : "a map";
  if (n.is_sequence()) return "a list";
  if (n.is_null()) return "empty";
  return "a scalar";
}

/// The first diagnostic as "file:line:column: message".
std::string first_problem(const model::Diagnostics& diags, const std::string& file) {
  if (diags.items().empty()) return file + ": does not parse";
  const model::Diagnostic& d = diags.items().front();
  std::string out = d.where.file;
  if (d.where.line > 0) out += ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column);
  return out + ": " + d.message;
}

// ---------------------------------------------------------------- scalars

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7F;
  });
}

std::string single_quoted(std::string_view v) {
  std::string out = "'";
  for (char ch : v) {
    out += ch;
    if (ch == '\'') out += '\'';
  }
  return out + "'";
}

ScalarContext context_of(bool flow) { return flow ? ScalarContext::flow : ScalarContext::block; }

/// `value` written in `style`, or double-quoted where that style cannot hold it.
std::string render(std::string_view value, ScalarStyle style, bool flow) {
  if (style == ScalarStyle::single_quoted && !has_control(value)) return single_quoted(value);
  if (style == ScalarStyle::plain) return yaml_scalar(value, ScalarReader::swarmform, context_of(flow));
  return double_quoted(value, ScalarReader::swarmform);
}

std::string key_text(std::string_view key, bool flow) {
  return yaml_scalar(key, ScalarReader::swarmform, context_of(flow));
}

std::string comment_text(std::string_view comment) {
  std::string c(comment);
  std::replace_if(c.begin(), c.end(), [](char ch) { return ch == '\n' || ch == '\r'; }, ' ');
  return "  # " + c;
}

// ---------------------------------------------------------------- lines

size_t line_start(const std::string& text, size_t pos) {
  if (pos == 0) return 0;
  size_t nl = text.rfind('\n', pos - 1);
  return nl == std::string::npos ? 0 : nl + 1;
}

/// Where the line holding `pos` ends: its '\r\n' or '\n', or the end of the text.
size_t line_end(const std::string& text, size_t pos) {
  size_t e = text.find('\n', std::min(pos, text.size()));
  if (e == std::string::npos) return text.size();
  if (e > pos && text[e - 1] == '\r') --e;
  return e;
}

/// The width before the first byte of a key on its line ("- " counts as two).
size_t indent_of(const std::string& text, size_t pos) { return pos - line_start(text, pos); }

/// Whether [from, to) of one line holds a comment: a '#' at the start or
/// after a blank, outside quotes.
bool has_comment(const std::string& text, size_t from, size_t to) {
  char quote = 0;
  for (size_t i = from; i < to; ++i) {
    char c = text[i];
    const bool boundary = i == from || text[i - 1] == ' ' || text[i - 1] == '\t';
    if (quote) {
      if (quote == '"' && c == '\\') ++i;
      else if (c == quote) quote = 0;
    } else if (c == '#' && boundary) {
      return true;
    } else if ((c == '"' || c == '\'') &&
               (boundary || std::string_view("{[,:").find(text[i - 1]) != std::string_view::npos)) {
      quote = c;
    }
  }
  return false;
}

/// Appends `comment` at the end of the line holding `pos`, unless it has one.
void add_comment(std::string& text, size_t pos, std::string_view comment) {
  if (comment.empty()) return;
  const size_t begin = line_start(text, pos);
  const size_t end = line_end(text, pos);
  if (!has_comment(text, begin, end)) text.insert(end, comment_text(comment));
}

// ---------------------------------------------------------------- the tree

/// Where what a node holds ends in the text: a block collection's last
/// entry, not the trailing blank and comment lines libyaml gives it; a block
/// scalar's last non-blank character.
size_t content_end(const Node& n, const std::string& text) {
  if (n.is_map() && !n.flow && !n.entries.empty()) {
    const auto& [k, v] = n.entries.back();
    return std::max(content_end(*k, text), content_end(*v, text));
  }
  if (n.is_sequence() && !n.flow && !n.items.empty()) return std::max(n.start, content_end(*n.items.back(), text));
  if (n.style == ScalarStyle::literal || n.style == ScalarStyle::folded) {
    size_t e = std::min(n.end, text.size());
    while (e > n.start && std::string_view(" \t\r\n").find(text[e - 1]) != std::string_view::npos) --e;
    return e;
  }
  return n.end;
}

/// Whether `a` and `b` read the same (kind, text, plain-ness, contents).
bool same(const Node& a, const Node& b) {
  if (a.kind != b.kind || a.scalar != b.scalar || a.plain != b.plain) return false;
  if (a.entries.size() != b.entries.size() || a.items.size() != b.items.size()) return false;
  for (size_t i = 0; i < a.entries.size(); ++i) {
    if (!same(*a.entries[i].first, *b.entries[i].first) || !same(*a.entries[i].second, *b.entries[i].second)) {
      return false;
    }
  }
  for (size_t i = 0; i < a.items.size(); ++i) {
    if (!same(*a.items[i], *b.items[i])) return false;
  }
  return true;
}

bool key_is(const Node& key, std::string_view name) { return key.is_scalar() && key.scalar == name; }

/// Whether `now` reads as `before` (absent: nullptr; or null) with the keys
/// `path[i..]` present and `leaf` true of what they lead to.
bool edited_as(const Node* before, const Node& now, const YamlPath& path, size_t i,
               const std::function<bool(const Node* before, const Node& now)>& leaf) {
  if (i == path.size()) return leaf(before, now);
  if (!now.is_map()) return false;
  if (!before || before->is_null()) {
    return now.entries.size() == 1 && key_is(*now.entries[0].first, path[i]) &&
           edited_as(nullptr, *now.entries[0].second, path, i + 1, leaf);
  }
  if (!before->is_map()) return false;
  const auto& old = before->entries;
  bool had = false;
  for (size_t j = 0; j < old.size() && j < now.entries.size(); ++j) {
    if (!same(*old[j].first, *now.entries[j].first)) return false;
    if (key_is(*old[j].first, path[i])) {
      had = true;
      if (!edited_as(old[j].second.get(), *now.entries[j].second, path, i + 1, leaf)) return false;
    } else if (!same(*old[j].second, *now.entries[j].second)) {
      return false;
    }
  }
  if (had) return now.entries.size() == old.size();
  return now.entries.size() == old.size() + 1 && key_is(*now.entries.back().first, path[i]) &&
         edited_as(nullptr, *now.entries.back().second, path, i + 1, leaf);
}

/// How many keys of `path` `root` holds (the first match at each level).
size_t depth_in(const Node& root, const YamlPath& path) {
  const Node* n = &root;
  size_t found = 0;
  while (found < path.size() && n->is_map()) {
    auto it = std::find_if(n->entries.begin(), n->entries.end(),
                           [&](const auto& e) { return key_is(*e.first, path[found]); });
    if (it == n->entries.end()) break;
    n = it->second.get();
    ++found;
  }
  return found;
}

/// The indentation step between a block map's keys and those of its first
/// block map value, searched from `m` (then through the whole document);
/// 2 when there is none.
size_t step_below(const Node& m, const std::string& text) {
  if (!m.is_map() || m.flow || m.entries.empty()) return 0;
  const size_t indent = indent_of(text, m.entries.front().first->start);
  for (const auto& [k, v] : m.entries) {
    if (v->start < k->start || !v->is_map() || v->flow || v->entries.empty()) continue;  // an alias, or no block map
    const size_t child = indent_of(text, v->entries.front().first->start);
    if (child > indent) return child - indent;
  }
  for (const auto& [k, v] : m.entries) {  // aliases skipped: each node is visited once
    if (v->start < k->start) continue;
    if (size_t s = step_below(*v, text)) return s;
  }
  return 0;
}

size_t indent_step(const Node& near, const Node& root, const std::string& text) {
  if (size_t s = step_below(near, text)) return s;
  if (size_t s = step_below(root, text)) return s;
  return 2;
}

/// Where the path leads in one document.
struct Walk {
  size_t found = 0;              ///< how many keys of the path exist
  const Node* node = nullptr;    ///< what the first `found` keys lead to (the root when none)
  const Node* key = nullptr;     ///< the key naming `node`; nullptr for the root
  const Node* holder = nullptr;  ///< the map holding `key`
};

/// Follows `path` from `root` as far as it exists, refusing what an edit
/// could not change alone: anchors and aliases, keys given twice, a list
/// or scalar in the way.
Result<Walk> walk(const std::string& file, const Node& root, const YamlPath& path) {
  Walk w;
  w.node = &root;
  for (;;) {
    const Node& n = *w.node;
    if (!n.anchor.empty()) {
      return fail(place(file, n) + ": " + named(path, w.found) + " has an anchor (&" + n.anchor +
                  "): an edit there would change its aliases too; edit it by hand");
    }
    if (w.found == path.size() || n.is_null()) return w;
    if (!n.is_map()) {
      return fail(place(file, n) + ": " + named(path, w.found) + " is " + kind_words(n) + ", not a map: cannot reach '" +
                  dotted(path, path.size()) + "'");
    }
    const Node* key = nullptr;
    const Node* value = nullptr;
    for (const auto& [k, v] : n.entries) {
      if (!key_is(*k, path[w.found])) continue;
      if (key) {
        return fail(place(file, *k) + ": '" + path[w.found] + "' is given twice in " + named(path, w.found) +
                    " (first at " + line_column(*key) + "): cannot tell which to edit");
      }
      key = k.get();
      value = v.get();
    }
    if (!key) return w;
    if (!key->anchor.empty()) {
      return fail(place(file, *key) + ": the key '" + path[w.found] + "' has an anchor (&" + key->anchor +
                  "): edit it by hand");
    }
    if (value->start < key->start) {
      return fail(place(file, *key) + ": '" + dotted(path, w.found + 1) + "' is an alias of the node at " +
                  line_column(*value) + (value->anchor.empty() ? "" : " (&" + value->anchor + ")") +
                  ": an edit there would change the anchor and its other aliases; edit it by hand");
    }
    w.holder = w.node;
    w.key = key;
    w.node = value;
    ++w.found;
  }
}

/// `{k1: {k2: value}}` without the outer braces: "k1: {k2: value}".
std::string flow_entry(const YamlPath& path, size_t from, const std::string& value_text) {
  std::string out = key_text(path[from], true) + ": ";
  if (from + 1 == path.size()) return out + value_text;
  return out + "{" + flow_entry(path, from + 1, value_text) + "}";
}

std::string spaces(size_t n) { return std::string(n, ' '); }

}  // namespace

// ---------------------------------------------------------------- the editor

YamlEditor::YamlEditor(std::string file, std::string text, std::vector<yaml::NodePtr> docs)
    : file_(std::move(file)), text_(std::move(text)), docs_(std::move(docs)) {}

Result<YamlEditor> YamlEditor::open(std::string file, std::string text) {
  model::SourceFile source{std::move(file), std::move(text)};
  model::Diagnostics diags;
  auto docs = parse_documents(source, diags);
  if (!docs) return fail(first_problem(diags, source.name));
  return YamlEditor(std::move(source.name), std::move(source.content), std::move(*docs));
}

Result<void> YamlEditor::commit(std::string candidate, const std::string& what,
                                const std::function<bool(const std::vector<yaml::NodePtr>&)>& check) {
  model::SourceFile source{file_, std::move(candidate)};
  model::Diagnostics diags;
  auto docs = parse_documents(source, diags);
  if (!docs) {
    return fail(file_ + ": " + what + " would leave the file unreadable (" + first_problem(diags, file_) +
                "): edit it by hand");
  }
  if (!check(*docs)) {
    return fail(file_ + ": " + what +
                " would change more of the file than that (the editor cannot make this edit safely): edit it "
                "by hand");
  }
  text_ = std::move(source.content);
  docs_ = std::move(*docs);
  return {};
}

namespace {

/// The line ending the file uses (that of its first line).
std::string eol_of(const std::string& text) {
  size_t nl = text.find('\n');
  return nl != std::string::npos && nl > 0 && text[nl - 1] == '\r' ? "\r\n" : "\n";
}

/// The document of `docs` holding the most of `path` (the first on a tie),
/// or docs.size() when there is none.
size_t pick_document(const std::vector<NodePtr>& docs, const YamlPath& path) {
  size_t best = docs.size();
  size_t best_depth = 0;
  for (size_t d = 0; d < docs.size(); ++d) {
    const size_t depth = depth_in(*docs[d], path);
    if (best == docs.size() || depth > best_depth) {
      best = d;
      best_depth = depth;
    }
  }
  return best;
}

/// Inserts `lines` (indented relative to the new entries) as block entries
/// where the walk stopped: after the last entry of a block map, under a key
/// whose value is empty or null (which is removed), or at the end of an
/// empty document.  The candidate text, or why not.
Result<std::string> insert_block(const std::string& file, const std::string& text, const Walk& w,
                                 const Node& root, size_t docs, const std::vector<std::string>& lines,
                                 const YamlPath& path) {
  const std::string eol = eol_of(text);
  const Node& n = *w.node;
  size_t indent = 0;
  size_t pos = 0;
  size_t erase_from = 0;
  size_t erase_to = 0;
  std::string out = text;
  if (n.is_map() && !n.flow && !n.entries.empty()) {
    indent = indent_of(text, n.entries.front().first->start);
    pos = line_end(text, content_end(n, text));
  } else if (w.key) {
    if (w.holder->flow) {
      return fail(place(file, n) + ": " + named(path, w.found) + " is in a flow map: cannot add block entries");
    }
    indent = indent_of(text, w.key->start) + indent_step(*w.holder, root, text);
    pos = line_end(text, std::max(n.end, w.key->end));
    if (n.end > n.start) {  // `key: ~` or `key: {}`: the value goes, and the blanks before it
      erase_from = n.start;
      while (erase_from > w.key->end && (text[erase_from - 1] == ' ' || text[erase_from - 1] == '\t')) --erase_from;
      erase_to = n.end;
    }
  } else {
    if (docs > 1 || n.end > n.start) {
      return fail(place(file, n) + ": the document is " + kind_words(n) + " ('" + n.scalar +
                  "'): cannot add entries to it");
    }
    std::string add;
    const bool newline_at_end = text.empty() || text.back() == '\n';
    if (!newline_at_end) add += eol;
    for (size_t i = 0; i < lines.size(); ++i) {
      add += lines[i];
      if (i + 1 < lines.size() || newline_at_end) add += eol;
    }
    return out + add;
  }
  std::string add;
  for (const std::string& l : lines) add += eol + (l.empty() ? l : spaces(indent) + l);
  out.insert(pos, add);
  if (erase_to > erase_from) out.erase(erase_from, erase_to - erase_from);
  return out;
}

}  // namespace

Result<void> YamlEditor::set(const YamlPath& path, std::string_view value, std::string_view comment) {
  if (path.empty()) return fail(file_ + ": no key to set");
  const Node empty_root;  // a file of only comments holds no document
  const size_t d = pick_document(docs_, path);
  const Node& root = d < docs_.size() ? *docs_[d] : empty_root;
  SF_TRY_ASSIGN(Walk w, walk(file_, root, path));
  const std::string what = "setting '" + dotted(path, path.size()) + "'";
  const std::string value_s(value);
  std::string candidate = text_;
  const Node& n = *w.node;
  const bool flow_parent = w.holder && w.holder->flow;

  if (w.found == path.size()) {
    if (!n.is_scalar() && !n.is_null()) {
      return fail(place(file_, n) + ": '" + dotted(path, path.size()) + "' is " + kind_words(n) +
                  ", not a single value: edit it by hand");
    }
    if (n.style == ScalarStyle::literal || n.style == ScalarStyle::folded) {
      return fail(place(file_, n) + ": '" + dotted(path, path.size()) + "' is a " +
                  (n.style == ScalarStyle::literal ? "literal (|)" : "folded (>)") +
                  " block scalar: edit it by hand");
    }
    std::string rendered = render(value, n.style, flow_parent);
    if (n.start == n.end && n.start > 0 && candidate[n.start - 1] == ':') rendered.insert(0, " ");
    candidate.replace(n.start, n.end - n.start, rendered);
    add_comment(candidate, n.start + rendered.size(), comment);
  } else if ((n.is_map() && n.flow) || (n.is_null() && flow_parent)) {
    const std::string entry = flow_entry(path, w.found, render(value, ScalarStyle::plain, true));
    size_t pos = 0;
    std::string add;
    if (n.is_map()) {
      if (n.entries.empty()) {
        pos = n.start + 1;
        add = entry;
      } else {
        const auto& [k, v] = n.entries.back();
        pos = std::max(content_end(*k, text_), content_end(*v, text_));
        add = ", " + entry;
      }
      candidate.insert(pos, add);
    } else {  // `{key: ~}` or `{key: }`: the null becomes a flow map
      add = "{" + entry + "}";
      if (n.start == n.end && n.start > 0 && candidate[n.start - 1] == ':') add.insert(0, " ");
      pos = n.start;
      candidate.replace(n.start, n.end - n.start, add);
    }
    add_comment(candidate, pos + add.size(), comment);
  } else if (n.is_map() || n.is_null()) {
    const size_t step = indent_step(w.holder && n.is_null() ? *w.holder : n, root, text_);
    std::vector<std::string> lines;
    for (size_t i = w.found; i < path.size(); ++i) {
      std::string line = spaces(step * (i - w.found)) + key_text(path[i], false) + ":";
      if (i + 1 == path.size()) {
        line += " " + render(value, ScalarStyle::plain, false);
        if (!comment.empty()) line += comment_text(comment);
      }
      lines.push_back(std::move(line));
    }
    SF_TRY_ASSIGN(candidate, insert_block(file_, text_, w, root, docs_.size(), lines, path));
  } else {
    return fail(place(file_, n) + ": " + named(path, w.found) + " is " + kind_words(n) + ", not a map: cannot set '" +
                dotted(path, path.size()) + "'");
  }

  return commit(std::move(candidate), what, [&](const std::vector<NodePtr>& now) {
    const size_t count = docs_.empty() ? 1 : docs_.size();
    if (now.size() != count) return false;
    for (size_t i = 0; i < docs_.size(); ++i) {
      if (i != d && !same(*docs_[i], *now[i])) return false;
    }
    const size_t edited = d < docs_.size() ? d : 0;
    return edited_as(d < docs_.size() ? docs_[d].get() : nullptr, *now[edited], path, 0,
                     [&](const Node*, const Node& leaf) { return leaf.is_scalar() && leaf.scalar == value_s; });
  });
}

Result<void> YamlEditor::append_entries(const YamlPath& path, std::string_view block_yaml) {
  // The block, split into lines and moved to column 0.
  std::vector<std::string> block;
  for (size_t at = 0; at <= block_yaml.size();) {
    size_t nl = block_yaml.find('\n', at);
    if (nl == std::string_view::npos) nl = block_yaml.size();
    std::string line(block_yaml.substr(at, nl - at));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) line.clear();
    block.push_back(std::move(line));
    at = nl + 1;
  }
  while (!block.empty() && block.back().empty()) block.pop_back();
  while (!block.empty() && block.front().empty()) block.erase(block.begin());
  if (block.empty()) return {};
  size_t base = std::string::npos;
  for (const std::string& line : block) {
    const size_t first = line.find_first_not_of(' ');
    if (first != std::string::npos && line[first] != '#') {
      base = first;
      break;
    }
  }
  if (base == std::string::npos) return fail(file_ + ": the entries to append hold no YAML, only comments");
  std::string dedented;
  for (std::string& line : block) {
    const size_t lead = std::min(base, line.find_first_not_of(' ') == std::string::npos ? line.size()
                                                                                        : line.find_first_not_of(' '));
    line.erase(0, lead);
    dedented += line + "\n";
  }
  model::SourceFile entries_source{file_ + " (entries to append)", dedented};
  model::Diagnostics diags;
  auto entries_docs = parse_documents(entries_source, diags);
  if (!entries_docs) return fail("the entries to append do not parse: " + first_problem(diags, entries_source.name));
  if (entries_docs->size() != 1 || !(*entries_docs)[0]->is_map() || (*entries_docs)[0]->flow) {
    return fail(file_ + ": the entries to append are not one block map of 'key: value' lines");
  }
  const Node& entries = *(*entries_docs)[0];

  const Node empty_root;
  const size_t d = pick_document(docs_, path);
  const Node& root = d < docs_.size() ? *docs_[d] : empty_root;
  SF_TRY_ASSIGN(Walk w, walk(file_, root, path));
  const Node& n = *w.node;
  const std::string what = "adding entries to " + named(path, path.size());
  if (!n.is_map() && !n.is_null()) {
    return fail(place(file_, n) + ": " + named(path, w.found) + " is " + kind_words(n) + ", not a map");
  }
  if (n.is_map() && n.flow && (!n.entries.empty() || w.found < path.size())) {
    return fail(place(file_, n) + ": " + named(path, w.found) +
                " is a flow map ({...}): cannot append block entries to it; edit it by hand");
  }
  if (w.found == path.size() && n.is_map()) {
    for (const auto& [k, v] : entries.entries) {
      for (const auto& [old_key, old_value] : n.entries) {
        if (k->is_scalar() && key_is(*old_key, k->scalar)) {
          return fail(place(file_, *old_key) + ": " + named(path, path.size()) + " already has '" + k->scalar + "'");
        }
      }
    }
  }
  const size_t step = indent_step(w.holder && !(n.is_map() && !n.entries.empty()) ? *w.holder : n, root, text_);
  std::vector<std::string> lines;
  for (size_t i = w.found; i < path.size(); ++i) {
    lines.push_back(spaces(step * (i - w.found)) + key_text(path[i], false) + ":");
  }
  const size_t nested = step * (path.size() - w.found);
  for (const std::string& line : block) lines.push_back(line.empty() ? line : spaces(nested) + line);
  SF_TRY_ASSIGN(std::string candidate, insert_block(file_, text_, w, root, docs_.size(), lines, path));

  return commit(std::move(candidate), what, [&](const std::vector<NodePtr>& now) {
    const size_t count = docs_.empty() ? 1 : docs_.size();
    if (now.size() != count) return false;
    for (size_t i = 0; i < docs_.size(); ++i) {
      if (i != d && !same(*docs_[i], *now[i])) return false;
    }
    const size_t edited = d < docs_.size() ? d : 0;
    return edited_as(d < docs_.size() ? docs_[d].get() : nullptr, *now[edited], path, 0,
                     [&](const Node* before, const Node& map) {
                       const size_t kept = before && before->is_map() ? before->entries.size() : 0;
                       if (!map.is_map() || map.entries.size() != kept + entries.entries.size()) return false;
                       for (size_t i = 0; i < kept; ++i) {
                         if (!same(*before->entries[i].first, *map.entries[i].first) ||
                             !same(*before->entries[i].second, *map.entries[i].second)) {
                           return false;
                         }
                       }
                       for (size_t i = 0; i < entries.entries.size(); ++i) {
                         if (!same(*entries.entries[i].first, *map.entries[kept + i].first) ||
                             !same(*entries.entries[i].second, *map.entries[kept + i].second)) {
                           return false;
                         }
                       }
                       return true;
                     });
  });
}

}  // namespace swarmform::config
