#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reconciler/config/yaml_scalar.h"

namespace swarmform::config {
namespace {

/// One text and what each writer makes of it: `any_yaml` as import writes
/// keys and values, `block` and `flow` as the YAML editor writes a plain
/// scalar for swarmform's loader.
struct YamlScalarCase {
  std::string text;
  std::string any_yaml;
  std::string block;
  std::string flow;
};

std::vector<YamlScalarCase> yaml_scalar_cases() {
  return {
      // plain text stays plain for every reader
      {"web", "web", "web", "web"},
      {"saleor-api-*", "saleor-api-*", "saleor-api-*", "saleor-api-*"},
      {"api.v2", "api.v2", "api.v2", "api.v2"},
      {"my_app", "my_app", "my_app", "my_app"},
      {"a#b", "a#b", "a#b", "a#b"},
      // number-like: typed by other readers, text to swarmform's loader
      {"123", "\"123\"", "123", "123"},
      {"1.5", "\"1.5\"", "1.5", "1.5"},
      {"12.5", "\"12.5\"", "12.5", "12.5"},
      {"1_000", "\"1_000\"", "1_000", "1_000"},
      {"1e3", "\"1e3\"", "1e3", "1e3"},
      {"0x1f", "\"0x1f\"", "0x1f", "0x1f"},
      {".inf", "\".inf\"", ".inf", ".inf"},
      {"2026-12-01", "\"2026-12-01\"", "2026-12-01", "2026-12-01"},
      {"512MiB", "512MiB", "512MiB", "512MiB"},
      // booleans and null words: null is null to every reader
      {"true", "\"true\"", "true", "true"},
      {"false", "\"false\"", "false", "false"},
      {"yes", "\"yes\"", "yes", "yes"},
      {"No", "\"No\"", "No", "No"},
      {"off", "\"off\"", "off", "off"},
      {"null", "\"null\"", "\"null\"", "\"null\""},
      {"NULL", "\"NULL\"", "\"NULL\"", "\"NULL\""},
      {"nUll", "\"nUll\"", "nUll", "nUll"},
      {"~", "\"~\"", "\"~\"", "\"~\""},
      {"", "\"\"", "\"\"", "\"\""},
      // a leading '-': a number or text to the loader, never plain for import
      {"-1", "\"-1\"", "-1", "-1"},
      {"-x", "\"-x\"", "-x", "-x"},
      {"-", "\"-\"", "\"-\"", "\"-\""},
      {"- x", "\"- x\"", "\"- x\"", "\"- x\""},
      {"---", "\"---\"", "\"---\"", "\"---\""},
      {"...", "...", "\"...\"", "\"...\""},
      // indicators, ': ', ' #', blanks at the ends
      {"*x", "\"*x\"", "\"*x\"", "\"*x\""},
      {"&a", "\"&a\"", "\"&a\"", "\"&a\""},
      {"a: b", "\"a: b\"", "\"a: b\"", "\"a: b\""},
      {"a:", "\"a:\"", "\"a:\"", "\"a:\""},
      {"a:b", "a:b", "a:b", "\"a:b\""},
      {"a #b", "\"a #b\"", "\"a #b\"", "\"a #b\""},
      {"#a", "\"#a\"", "\"#a\"", "\"#a\""},
      {" a", "\" a\"", "\" a\"", "\" a\""},
      {"a ", "\"a \"", "\"a \"", "\"a \""},
      // flow indicators: quoted inside {...} or [...], and always for import
      {"x,y", "\"x,y\"", "x,y", "\"x,y\""},
      {"a[0]", "\"a[0]\"", "a[0]", "\"a[0]\""},
      {"a}", "\"a}\"", "a}", "\"a}\""},
      // quotes and backslashes
      {"'x'", "\"'x'\"", "\"'x'\"", "\"'x'\""},
      {"it's", "it's", "it's", "it's"},
      {"\"x", "\"\\\"x\"", "\"\\\"x\"", "\"\\\"x\""},
      {"a\\b", "a\\b", "a\\b", "a\\b"},
      // control characters: escaped, each writer as it always has
      {"a\"b\x01", "\"a\\\"b\\x01\"", "\"a\\\"b\\x01\"", "\"a\\\"b\\x01\""},
      {"1\n2", "\"1\\x0a2\"", "\"1\\n2\"", "\"1\\n2\""},
      {"a\tb\r", "\"a\\x09b\\x0d\"", "\"a\\tb\\r\"", "\"a\\tb\\r\""},
      {"a\x1f\x7f", "\"a\\x1f\\x7f\"", "\"a\\x1F\\x7F\"", "\"a\\x1F\\x7F\""},
      // UTF-8: plain for the loader, quoted (bytes as they are) for import
      {"caf\xc3\xa9", "\"caf\xc3\xa9\"", "caf\xc3\xa9", "caf\xc3\xa9"},
  };
}

TEST(ConfigYamlScalar, EachReaderAndContextAsBothWritersWroteThem) {
  for (const YamlScalarCase& c : yaml_scalar_cases()) {
    SCOPED_TRACE("text: \"" + c.text + "\"");
    EXPECT_EQ(yaml_scalar(c.text, ScalarReader::any_yaml, ScalarContext::block), c.any_yaml);
    EXPECT_EQ(yaml_scalar(c.text, ScalarReader::swarmform, ScalarContext::block), c.block);
    EXPECT_EQ(yaml_scalar(c.text, ScalarReader::swarmform, ScalarContext::flow), c.flow);
    EXPECT_EQ(plain_safe(c.text, ScalarReader::swarmform, ScalarContext::block), c.block == c.text);
  }
}

TEST(ConfigYamlScalar, DoubleQuotedEscapesOnlyWhatItMust) {
  EXPECT_EQ(double_quoted("500m", ScalarReader::swarmform), "\"500m\"");
  EXPECT_EQ(double_quoted("1\"5\\", ScalarReader::swarmform), "\"1\\\"5\\\\\"");
  EXPECT_EQ(double_quoted("1\"5\\", ScalarReader::any_yaml), "\"1\\\"5\\\\\"");
  EXPECT_EQ(double_quoted("caf\xc3\xa9", ScalarReader::any_yaml), "\"caf\xc3\xa9\"");
}

}  // namespace
}  // namespace swarmform::config
