#include "reconciler/adopt/value_edit.h"

#include "reconciler/config/yaml_edit.h"

namespace swarmform::adopt {

Result<std::string> apply_edits(const std::string& file, const std::string& text, const std::vector<ValueEdit>& edits) {
  SF_TRY_ASSIGN(auto editor, config::YamlEditor::open(file, text));
  for (const auto& e : edits) SF_TRY(editor.set(e.path, e.value, e.comment));
  return editor.text();
}

}  // namespace swarmform::adopt
