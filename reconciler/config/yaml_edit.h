#pragma once
// Editing a desired-state YAML file in place, for commands that write the
// user's files (`import --update`, `advise --write`): only the scalars set
// and the lines inserted change; comments, key order, quoting, flow or block
// style, blank lines, line endings (LF or CRLF) and whether the file ends
// with a newline stay byte for byte, so `git diff` shows exactly the edit.
//
// Text in, text out: the editor does no file I/O (the caller writes the file,
// atomically).  Each edit is made on the text, then the text is parsed again
// under the loader's guards and checked: the edited document must read as
// before except for the value set (or the entries appended), every other
// document must read as before.  An edit that would read otherwise is
// refused, and the text is left as it was: a clear error rather than a wrong
// edit.  Also refused, with file:line:column: an anchor or alias on the path
// (an edit there would change other places too), a key given twice, a path
// through a list or a scalar, a map or list where a scalar is to be set, a
// literal (`|`) or folded (`>`) scalar.
//
// A file of several documents (`---`): the editor edits the first document
// that holds the longest part of the path (the first document on a tie).

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "reconciler/config/yaml_tree.h"
#include "reconciler/util/result.h"

namespace swarmform::config {

/// A path of map keys from the document root, e.g. {"services", "api", "limits", "cpus"}.
using YamlPath = std::vector<std::string>;

class YamlEditor {
 public:
  /// Parses `text` (the file's bytes; `file` names it in errors) with the
  /// loader's guards (size, UTF-8, nesting, alias expansion).  An error says
  /// file:line:column when the text does not parse.
  static Result<YamlEditor> open(std::string file, std::string text);

  /// Sets the scalar at `path` to `value`, given as the plain text of the
  /// value ("1.5", "512MiB", "kvm2").
  /// - An existing scalar (or null) has exactly its bytes replaced, in its
  ///   style: double-quoted stays double-quoted (escaped as needed), single
  ///   stays single (double when the value cannot be single-quoted), plain
  ///   stays plain when `value` reads back as the same text in its context
  ///   (block or flow), else it is double-quoted.  Words YAML reads as null
  ///   (`~`, `null`, empty) are always quoted.
  /// - Missing keys are inserted.  In a block map: a `key: value` line after
  ///   the map's last entry (and all under it), indented as its siblings;
  ///   missing intermediate maps nest as block maps, each indented one step
  ///   (the file's step between a map's keys and its parent's, else 2).  In a
  ///   flow map: `, key: value` after its last entry (nested flow maps for
  ///   missing intermediates).  Under a key with an empty or null value
  ///   (`limits:`, `limits: ~`): a block map (a flow map `{...}` in flow).
  ///   A key that is not safe as a plain scalar is double-quoted.
  /// - `comment`, when not empty, is appended as `  # comment` to the line of
  ///   the inserted or replaced value, unless that line already has a comment
  ///   (an existing comment is never touched).  Line breaks in it become spaces.
  /// On error the text is unchanged.
  Result<void> set(const YamlPath& path, std::string_view value, std::string_view comment = {});

  /// Appends `block_yaml` (YAML lines of one block map, e.g. whole service
  /// entries) as new entries at the end of the block map at `path` (the root
  /// map when `path` is empty), re-indented to that map's entry indentation;
  /// the block's comments and blank lines between entries are kept.  Missing
  /// keys on the path, or an empty/null/`{}` value at it, become block maps.
  /// Refused: a non-empty flow map at `path`, a key of the block already in
  /// the map, a block that is not a block map.  Lines end as the file's do.
  /// On error the text is unchanged.
  Result<void> append_entries(const YamlPath& path, std::string_view block_yaml);

  [[nodiscard]] const std::string& text() const { return text_; }  ///< the edited text
  [[nodiscard]] const std::string& file() const { return file_; }

 private:
  YamlEditor(std::string file, std::string text, std::vector<yaml::NodePtr> docs);

  /// Takes `candidate` as the new text if it parses and `check` accepts its
  /// documents; else returns why (`what` names the edit) and keeps the text.
  Result<void> commit(std::string candidate, const std::string& what,
                      const std::function<bool(const std::vector<yaml::NodePtr>&)>& check);

  std::string file_;
  std::string text_;
  std::vector<yaml::NodePtr> docs_;  ///< text_ parsed
};

}  // namespace swarmform::config
