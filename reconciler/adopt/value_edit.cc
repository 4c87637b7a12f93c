#include "reconciler/adopt/value_edit.h"

#include "reconciler/config/yaml_edit.h"

namespace swarmform::adopt {

Result<std::string> apply_edits(const std::string& file, const std::string& text, const std::vector<ValueEdit>& edits) {
  SF_TRY_ASSIGN(auto editor, config::YamlEditor::open(file, text));
  for (const auto& e : edits) {
    if (auto set = editor.set(e.path, e.value, e.comment); !set) {
      // Which value could not be written, so the user can write it by hand.
      std::string dotted;
      for (const auto& key : e.path) dotted += (dotted.empty() ? "" : ".") + key;
      return fail(set.error().wrap(e.what.empty() ? "cannot set " + dotted + " to " + e.value : e.what));
    }
  }
  return editor.text();
}

}  // namespace swarmform::adopt
