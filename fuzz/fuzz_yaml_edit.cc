// The YAML editor on arbitrary bytes: open, then a few fixed edits (set a
// scalar that exists in the seeds, one that does not, append a service).
// Beyond the sanitizers: an edit that fails leaves the text as it was, and
// the text after an edit that succeeds opens again (the editor checks the
// rest itself before it keeps an edit).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "reconciler/config/yaml_edit.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace swarmform;
  std::string input(reinterpret_cast<const char*>(data), size);
  auto editor = config::YamlEditor::open("f.yaml", input);
  if (!editor) return 0;
  auto check = [&](bool ok, const std::string& before) {
    if (!ok && editor->text() != before) fuzz::broken("a refused edit changed the text");
    if (ok && !config::YamlEditor::open("f.yaml", editor->text())) {
      fuzz::broken("an edit left text that does not open", editor->text());
    }
  };
  std::string before = editor->text();
  check(editor->set({"services", "web", "limits", "cpus"}, "1.5", "adopted").has_value(), before);
  before = editor->text();
  check(editor->set({"services", "web", "replicas"}, "a: #b").has_value(), before);
  before = editor->text();
  check(editor->set({"hosts", "kvm4", "capacity", "memory"}, "16GiB").has_value(), before);
  before = editor->text();
  check(editor->append_entries({"services"}, "# new\nworker:\n  host: kvm2\n  limits: {cpus: 0.5}\n").has_value(),
        before);
  return 0;
}
