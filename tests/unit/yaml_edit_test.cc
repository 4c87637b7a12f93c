#include "reconciler/config/yaml_edit.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace swarmform::config {
namespace {

/// One edit and the exact text it must give, or the error it must give
/// (`error` holds a part of the message, `expect` is then unused).
struct SetCase {
  const char* name;
  std::string input;
  YamlPath path;
  std::string value;
  std::string comment;
  std::string expect;
  std::string error;
};

std::vector<SetCase> set_cases() {
  return {
      // ---- replacing a scalar: exactly its bytes, in its style
      {"plain", "a:\n  b: 1   # why\n  c: 2\n", {"a", "b"}, "1.5", "", "a:\n  b: 1.5   # why\n  c: 2\n", ""},
      {"plain_becomes_quoted_when_unsafe", "a: x\n", {"a"}, "b: c", "", "a: \"b: c\"\n", ""},
      {"plain_null_word_is_quoted", "a: x\n", {"a"}, "null", "", "a: \"null\"\n", ""},
      {"plain_leading_indicator_is_quoted", "a: x\n", {"a"}, "*x", "", "a: \"*x\"\n", ""},
      {"plain_negative_number_stays_plain", "a: 1\n", {"a"}, "-1", "", "a: -1\n", ""},
      {"double_quoted", "a: \"500m\"  # cpus\n", {"a"}, "1\"5\\", "", "a: \"1\\\"5\\\\\"  # cpus\n", ""},
      {"single_quoted", "a: 'x'\n", {"a"}, "it's", "", "a: 'it''s'\n", ""},
      {"single_quoted_with_newline_becomes_double", "a: 'x'\n", {"a"}, "1\n2", "", "a: \"1\\n2\"\n", ""},
      {"flow_scalar", "s:\n  limits: {cpus: 1, memory: 1GiB}\n", {"s", "limits", "memory"}, "2GiB", "",
       "s:\n  limits: {cpus: 1, memory: 2GiB}\n", ""},
      {"flow_scalar_comma_is_quoted", "s: {a: 1}\n", {"s", "a"}, "x,y", "", "s: {a: \"x,y\"}\n", ""},
      {"multi_line_plain", "a: one\n  two\nb: 1\n", {"a"}, "three", "", "a: three\nb: 1\n", ""},
      {"empty_value", "a:\nb: 1\n", {"a"}, "2", "", "a: 2\nb: 1\n", ""},
      {"empty_value_with_comment_after", "a:   # soon\nb: 1\n", {"a"}, "2", "", "a: 2   # soon\nb: 1\n", ""},
      {"tilde_value", "a: ~\n", {"a"}, "2", "", "a: 2\n", ""},
      {"same_value_changes_nothing", "a: 1 # x\n", {"a"}, "1", "", "a: 1 # x\n", ""},
      {"tagged_scalar_keeps_its_tag", "a: !!str 1\n", {"a"}, "2", "", "a: !!str 2\n", ""},
      {"anchor_off_the_path_is_fine", "x: &a 1\ny: *a\nz: 2\n", {"z"}, "3", "", "x: &a 1\ny: *a\nz: 3\n", ""},
      // ---- comments
      {"comment_added_to_replaced_line", "a: 1\nb: 2\n", {"a"}, "3", "was 1", "a: 3  # was 1\nb: 2\n", ""},
      {"existing_comment_kept", "a: 1 # mine\n", {"a"}, "3", "was 1", "a: 3 # mine\n", ""},
      {"hash_inside_quotes_is_no_comment", "a: 1\nb: '#x'\n", {"b"}, "y #z", "new", "a: 1\nb: 'y #z'  # new\n",
       ""},
      {"comment_line_breaks_become_spaces", "a: 1\n", {"a"}, "2", "x\ny", "a: 2  # x y\n", ""},
      // ---- inserting into a block map
      {"insert_after_last_entry_and_its_subtree",
       "services:\n  api:\n    host: kvm4\n    limits:\n      cpus: 1\n\n  # the worker\n  worker:\n    host: kvm2\n",
       {"services", "api", "replicas"}, "2", "",
       "services:\n  api:\n    host: kvm4\n    limits:\n      cpus: 1\n    replicas: 2\n\n  # the worker\n  worker:\n"
       "    host: kvm2\n",
       ""},
      {"insert_keeps_blank_lines_and_comments",
       "# top\nversion: 1\n\nservices:   # all of them\n  a:\n    host: x   # here\n\n\n# end\n",
       {"services", "a", "replicas"}, "3", "adopted",
       "# top\nversion: 1\n\nservices:   # all of them\n  a:\n    host: x   # here\n    replicas: 3  # adopted\n\n\n"
       "# end\n",
       ""},
      {"insert_nested_maps", "services:\n  a:\n    host: x\n  b:\n    host: y\n", {"services", "a", "limits", "cpus"},
       "0.5", "", "services:\n  a:\n    host: x\n    limits:\n      cpus: 0.5\n  b:\n    host: y\n", ""},
      {"insert_nested_uses_file_step", "services:\n    a:\n        host: x\n", {"services", "a", "limits", "cpus"},
       "1", "", "services:\n    a:\n        host: x\n        limits:\n            cpus: 1\n", ""},
      {"insert_new_top_level_key", "version: 1\nservices:\n  a:\n    host: x\n", {"policy", "prune"}, "true", "",
       "version: 1\nservices:\n  a:\n    host: x\npolicy:\n  prune: true\n", ""},
      {"insert_after_flow_value", "a:\n  b: {c: 1}   # flow\nd: 1\n", {"a", "e"}, "2", "",
       "a:\n  b: {c: 1}   # flow\n  e: 2\nd: 1\n", ""},
      {"insert_after_literal_block", "a:\n  b: |\n    text\n\n  c: 1\nd: |\n  more\n\n\n", {"e"}, "1", "",
       "a:\n  b: |\n    text\n\n  c: 1\nd: |\n  more\ne: 1\n\n\n", ""},
      {"insert_quotes_unsafe_key", "services:\n  a:\n    host: x\n", {"services", "my: app", "host"}, "y", "",
       "services:\n  a:\n    host: x\n  \"my: app\":\n    host: y\n", ""},
      {"insert_under_sequence_item_siblings", "a:\n  b: [1, 2]\n", {"a", "c"}, "x", "", "a:\n  b: [1, 2]\n  c: x\n",
       ""},
      // ---- inserting into a flow map
      {"insert_flow", "s:\n  limits: {cpus: 1, memory: 1GiB}   # small\n", {"s", "limits", "pids"}, "10", "c",
       "s:\n  limits: {cpus: 1, memory: 1GiB, pids: 10}   # small\n", ""},
      {"insert_flow_comment_when_none", "s:\n  limits: {cpus: 1}\n", {"s", "limits", "memory"}, "1GiB", "new",
       "s:\n  limits: {cpus: 1, memory: 1GiB}  # new\n", ""},
      {"insert_flow_spaced", "s: { a: 1 }\n", {"s", "b"}, "2", "", "s: { a: 1, b: 2 }\n", ""},
      {"insert_flow_nested", "s: {a: 1}\n", {"s", "limits", "cpus"}, "1", "", "s: {a: 1, limits: {cpus: 1}}\n", ""},
      {"insert_flow_empty", "s: {}\n", {"s", "a"}, "1", "", "s: {a: 1}\n", ""},
      {"insert_flow_multi_line", "s: {a: 1,\n    b: 2}\nt: 1\n", {"s", "c"}, "3", "", "s: {a: 1,\n    b: 2, c: 3}\nt: 1\n",
       ""},
      {"insert_flow_null_value", "s: {limits: ~, b: 2}\n", {"s", "limits", "cpus"}, "1", "",
       "s: {limits: {cpus: 1}, b: 2}\n", ""},
      // ---- inserting under an empty or null value
      {"insert_under_empty", "services:\n  a:\n    limits:\n    host: x\n", {"services", "a", "limits", "cpus"}, "2",
       "", "services:\n  a:\n    limits:\n      cpus: 2\n    host: x\n", ""},
      {"insert_under_tilde_keeps_comment", "a:\n  limits: ~   # none yet\n", {"a", "limits", "cpus"}, "2", "",
       "a:\n  limits:   # none yet\n    cpus: 2\n", ""},
      {"insert_under_empty_at_end", "services:\n", {"services", "a", "host"}, "kvm4", "",
       "services:\n  a:\n    host: kvm4\n", ""},
      {"insert_into_empty_file", "", {"version"}, "1", "", "version: 1\n", ""},
      {"insert_into_comment_only_file", "# nothing yet\n", {"version"}, "1", "", "# nothing yet\nversion: 1\n", ""},
      // ---- line endings
      {"crlf_replace", "a: 1\r\nb: 2\r\n", {"a"}, "3", "x", "a: 3  # x\r\nb: 2\r\n", ""},
      {"crlf_insert", "a:\r\n  b: 1\r\nc: 2\r\n", {"a", "d", "e"}, "3", "",
       "a:\r\n  b: 1\r\n  d:\r\n    e: 3\r\nc: 2\r\n", ""},
      {"no_trailing_newline_insert", "a:\n  b: 1", {"a", "c"}, "2", "", "a:\n  b: 1\n  c: 2", ""},
      {"no_trailing_newline_replace", "a: 1", {"a"}, "2", "", "a: 2", ""},
      // ---- documents
      {"second_document_holding_the_path", "a: 1\n---\nservices:\n  x:\n    host: h\n", {"services", "x", "host"},
       "k", "", "a: 1\n---\nservices:\n  x:\n    host: k\n", ""},
      {"first_document_on_a_tie", "a: 1\n---\nb: 1\n", {"c"}, "2", "", "a: 1\nc: 2\n---\nb: 1\n", ""},
      {"utf8_before_the_edit", "a: \"héllo wörld\"\nb: 1\n", {"b"}, "2", "", "a: \"héllo wörld\"\nb: 2\n", ""},
      {"utf8_bom", "\xEF\xBB\xBF# é\na: 1\n", {"a"}, "ü", "", "\xEF\xBB\xBF# é\na: ü\n", ""},
      // ---- refused
      {"alias_on_path", "d: &d {cpus: 1}\ns:\n  limits: *d\n", {"s", "limits", "cpus"}, "2", "", "",
       "f.yaml:3:3: 's.limits' is an alias of the node at 1:4 (&d)"},
      {"anchor_on_path", "d: &d {cpus: 1}\ns: *d\n", {"d", "cpus"}, "2", "", "", "f.yaml:1:4: 'd' has an anchor (&d)"},
      {"anchored_scalar", "a: &x 1\nb: *x\n", {"a"}, "2", "", "", "f.yaml:1:4: 'a' has an anchor (&x)"},
      {"literal_block", "a: |\n  text\n", {"a"}, "x", "", "", "f.yaml:1:4: 'a' is a literal (|) block scalar"},
      {"folded_block", "a: >\n  text\n", {"a"}, "x", "", "", "f.yaml:1:4: 'a' is a folded (>) block scalar"},
      {"path_through_sequence", "a:\n  - b: 1\n", {"a", "b"}, "2", "", "", "f.yaml:2:3: 'a' is a list, not a map"},
      {"path_through_scalar", "a: 1\n", {"a", "b"}, "2", "", "", "f.yaml:1:4: 'a' is a scalar, not a map"},
      {"map_where_scalar_expected", "a:\n  b: 1\n", {"a"}, "2", "", "",
       "f.yaml:2:3: 'a' is a map, not a single value"},
      {"list_where_scalar_expected", "a: [1]\n", {"a"}, "2", "", "", "f.yaml:1:4: 'a' is a list, not a single value"},
      {"duplicate_key", "a: 1\nb: 2\na: 3\n", {"a"}, "4", "", "",
       "f.yaml:3:1: 'a' is given twice in the document (first at 1:1)"},
      {"empty_path", "a: 1\n", {}, "4", "", "", "no key to set"},
      {"tagged_null_is_a_scalar", "a: !!null\n", {"a", "b"}, "1", "", "", "f.yaml:1:4: 'a' is a scalar, not a map"},
  };
}

/// One row of a table: `edit` made on `input` gives exactly `expect`, or,
/// where `error` is set, is refused with a message holding it and leaves the
/// text as it was.
void expect_yaml_edit_row(const std::string& input, const std::function<Result<void>(YamlEditor&)>& edit,
                          const std::string& expect, const std::string& error) {
  auto editor = YamlEditor::open("f.yaml", input);
  ASSERT_TRUE(editor) << editor.error().message;
  auto done = edit(*editor);
  if (!error.empty()) {
    ASSERT_FALSE(done) << "edited to:\n" << editor->text();
    EXPECT_NE(done.error().message.find(error), std::string::npos) << done.error().message;
    EXPECT_EQ(editor->text(), input) << "a refused edit changed the text";
    return;
  }
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(editor->text(), expect);
}

TEST(YamlEditSet, Table) {
  for (const SetCase& c : set_cases()) {
    SCOPED_TRACE(c.name);
    expect_yaml_edit_row(
        c.input, [&](YamlEditor& e) { return e.set(c.path, c.value, c.comment); }, c.expect, c.error);
  }
}

TEST(YamlEditSet, SeveralEditsInARow) {
  auto editor = YamlEditor::open("f.yaml", "services:\n  a:\n    host: x   # h\n    limits: {cpus: 1}\n");
  ASSERT_TRUE(editor);
  ASSERT_TRUE(editor->set({"services", "a", "host"}, "y"));
  ASSERT_TRUE(editor->set({"services", "a", "limits", "memory"}, "1GiB"));
  ASSERT_TRUE(editor->set({"services", "a", "replicas"}, "2", "adopted"));
  ASSERT_TRUE(editor->set({"services", "b", "host"}, "z"));
  EXPECT_EQ(editor->text(),
            "services:\n  a:\n    host: y   # h\n    limits: {cpus: 1, memory: 1GiB}\n    replicas: 2  # adopted\n"
            "  b:\n    host: z\n");
}

TEST(YamlEditOpen, RefusesWhatDoesNotParse) {
  auto bad = YamlEditor::open("f.yaml", "a: [1\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("f.yaml:"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("invalid YAML"), std::string::npos) << bad.error().message;
  auto binary = YamlEditor::open("f.yaml", std::string("a: 1\n\0\n", 7));
  ASSERT_FALSE(binary);
  EXPECT_NE(binary.error().message.find("not UTF-8 text"), std::string::npos) << binary.error().message;
}

TEST(YamlEditSet, ValueThatCannotBeWrittenIsRefusedNotCorrupted) {
  auto editor = YamlEditor::open("f.yaml", "a: 1\n");
  ASSERT_TRUE(editor);
  auto done = editor->set({"a"}, std::string("\xff", 1));
  ASSERT_FALSE(done);
  EXPECT_NE(done.error().message.find("would leave the file unreadable"), std::string::npos) << done.error().message;
  EXPECT_EQ(editor->text(), "a: 1\n");
}

struct AppendCase {
  const char* name;
  std::string input;
  YamlPath path;
  std::string block;
  std::string expect;
  std::string error;
};

std::vector<AppendCase> append_cases() {
  const std::string web = "web:\n  host: kvm4   # placed\n\n  replicas: 1\n";
  return {
      {"after_last_service", "services:\n  a:\n    host: x\n\n# end\n", {"services"}, web,
       "services:\n  a:\n    host: x\n  web:\n    host: kvm4   # placed\n\n    replicas: 1\n\n# end\n", ""},
      {"indented_block_is_reindented", "services:\n    a:\n        host: x\n", {"services"},
       "      # new\n      web:\n        host: y\n", "services:\n    a:\n        host: x\n    # new\n    web:\n      host: y\n",
       ""},
      {"under_empty_key", "version: 1\nservices:\n", {"services"}, web,
       "version: 1\nservices:\n  web:\n    host: kvm4   # placed\n\n    replicas: 1\n", ""},
      {"under_empty_flow_map", "services: {}   # none\n", {"services"}, "web: {host: x}\n",
       "services:   # none\n  web: {host: x}\n", ""},
      {"missing_section", "version: 1\n", {"services"}, "web:\n  host: x\n", "version: 1\nservices:\n  web:\n    host: x\n",
       ""},
      {"root", "a: 1\n", {}, "b: 2\n", "a: 1\nb: 2\n", ""},
      {"crlf_and_no_trailing_newline", "services:\r\n  a:\r\n    host: x", {"services"}, "b:\n  host: y\n",
       "services:\r\n  a:\r\n    host: x\r\n  b:\r\n    host: y", ""},
      {"refuses_existing_key", "services:\n  web:\n    host: x\n", {"services"}, web, "",
       "f.yaml:2:3: 'services' already has 'web'"},
      {"refuses_flow_map", "services: {a: {host: x}}\n", {"services"}, web, "", "is a flow map"},
      {"refuses_non_map_block", "services:\n  a: 1\n", {"services"}, "- x\n", "", "not one block map"},
      {"refuses_list", "services: [1]\n", {"services"}, web, "", "f.yaml:1:11: 'services' is a list, not a map"},
  };
}

TEST(YamlEditAppend, Table) {
  for (const AppendCase& c : append_cases()) {
    SCOPED_TRACE(c.name);
    expect_yaml_edit_row(
        c.input, [&](YamlEditor& e) { return e.append_entries(c.path, c.block); }, c.expect, c.error);
  }
}

}  // namespace
}  // namespace swarmform::config
