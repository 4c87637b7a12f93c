#include "reconciler/config/yaml_document.h"

#include <cstdio>
#include <utility>

namespace swarmform::config {
namespace {

model::Location at(const std::string& file, int line0, int column0) {
  return {file, line0 + 1, column0 + 1};
}

/// Rejects what is not UTF-8 text: NUL bytes, stray control characters,
/// malformed sequences.  Returns false after adding one located error.
bool check_text(const model::SourceFile& file, model::Diagnostics& diags) {
  const std::string& s = file.content;
  int line = 0;
  int column = 0;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = 1;
    bool ok = true;
    if (c == '\n') {
      ++line;
      column = 0;
      ++i;
      continue;
    }
    if (c < 0x20 && c != '\t' && c != '\r') {
      ok = false;
    } else if (c >= 0x80) {
      len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
      ok = len != 0 && c != 0xC0 && c != 0xC1 && i + len <= s.size();
      for (size_t k = 1; ok && k < len; ++k) {
        ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
      }
    }
    if (!ok) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", c);
      diags.error(at(file.name, line, column),
                  std::string("file is not UTF-8 text (byte ") + hex +
                      "): expected a YAML desired-state file");
      return false;
    }
    i += len;
    ++column;
  }
  return true;
}

}  // namespace

std::optional<std::vector<yaml::NodePtr>> parse_documents(const model::SourceFile& file, model::Diagnostics& diags) {
  if (file.content.size() > model::kMaxSourceFileBytes) {
    diags.error({file.name, 0, 0}, "file is larger than " +
                                        std::to_string(model::kMaxSourceFileBytes / 1024 / 1024) +
                                        " MiB, the limit for a desired-state file; split it");
    return std::nullopt;
  }
  if (!check_text(file, diags)) return std::nullopt;

  auto parsed = yaml::parse(file.content, kMaxNesting);
  if (!parsed) {
    const yaml::ParseError& e = parsed.error();
    std::string what = e.message;
    // libyaml reports a tab as "found character that cannot start any token".
    size_t line_start = 0;
    for (int l = 1; l < e.line && line_start != std::string::npos; ++l) {
      line_start = file.content.find('\n', line_start);
      if (line_start != std::string::npos) ++line_start;
    }
    if (line_start != std::string::npos && line_start < file.content.size() && file.content[line_start] == '\t') {
      what += " (a tab indents this line: YAML indents with spaces only)";
    }
    diags.error({file.name, e.line, e.column}, "invalid YAML: " + what);
    return std::nullopt;
  }
  return std::move(*parsed);
}

std::optional<yaml::NodePtr> parse_document(const model::SourceFile& file, model::Diagnostics& diags) {
  auto parsed = parse_documents(file, diags);
  if (!parsed) return std::nullopt;
  const std::vector<yaml::NodePtr>& docs = *parsed;
  const std::string expected = "expected a map with keys such as version, hosts and services";
  if (docs.empty() || docs[0]->is_null()) {
    diags.error({file.name, 1, 1}, "file is empty: " + expected);
    return std::nullopt;
  }
  if (docs.size() > 1) {
    diags.error(location_of(file.name, docs[1]),
                "file holds " + std::to_string(docs.size()) +
                    " YAML documents; put each in its own file");
    return std::nullopt;
  }
  if (!docs[0]->is_map()) {
    const char* kind = docs[0]->is_sequence() ? "a list" : "a single value";
    diags.error(location_of(file.name, docs[0]), std::string("file is ") + kind + ": " + expected);
    return std::nullopt;
  }
  return docs[0];
}

}  // namespace swarmform::config
