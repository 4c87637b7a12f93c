#include "reconciler/config/yaml_document.h"

#include <cstdio>

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

/// Flow collections ([ and {) nest without indentation, so a one-line file can
/// be thousands of levels deep; refuse beyond kMaxNesting before yaml-cpp
/// recurses into it.  Block nesting needs indentation and is bounded by the
/// file size limit and yaml-cpp's own depth guard.
bool check_flow_depth(const model::SourceFile& file, model::Diagnostics& diags) {
  int depth = 0;
  int line = 0;
  int column = 0;
  char quote = 0;
  bool comment = false;
  for (char c : file.content) {
    if (c == '\n') {
      ++line;
      column = 0;
      comment = false;  // a quote stays open: YAML allows multi-line quoted scalars
      continue;
    }
    if (!comment) {
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#') {
        comment = true;
      } else if (c == '[' || c == '{') {
        if (++depth > kMaxNesting) {
          diags.error(at(file.name, line, column),
                      "YAML nested more than " + std::to_string(kMaxNesting) +
                          " levels deep: a desired-state file never needs this");
          return false;
        }
      } else if ((c == ']' || c == '}') && depth > 0) {
        --depth;
      }
    }
    ++column;
  }
  return true;
}

}  // namespace

model::Location location_of(const std::string& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {file, 0, 0};
  return at(file, mark.line, mark.column);
}

std::optional<YAML::Node> parse_document(const model::SourceFile& file, model::Diagnostics& diags) {
  if (file.content.size() > model::kMaxSourceFileBytes) {
    diags.error({file.name, 0, 0}, "file is larger than " +
                                        std::to_string(model::kMaxSourceFileBytes / 1024 / 1024) +
                                        " MiB, the limit for a desired-state file; split it");
    return std::nullopt;
  }
  if (!check_text(file, diags) || !check_flow_depth(file, diags)) return std::nullopt;

  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(file.content);
  } catch (const YAML::Exception& e) {
    std::string what = e.msg;
    if (what == "bad file") what = "YAML nested too deeply";  // yaml-cpp's depth guard
    if (what.find("illegal map value") != std::string::npos &&
        file.content.find('\t') != std::string::npos) {
      what += " (tabs are not allowed for indentation in YAML; use spaces)";
    }
    diags.error(at(file.name, e.mark.line, e.mark.column), "invalid YAML: " + what);
    return std::nullopt;
  }
  const std::string expected = "expected a map with keys such as version, hosts and services";
  if (docs.empty() || docs[0].IsNull()) {
    diags.error({file.name, 1, 1}, "file is empty: " + expected);
    return std::nullopt;
  }
  if (docs.size() > 1) {
    diags.error(location_of(file.name, docs[1]),
                "file holds " + std::to_string(docs.size()) +
                    " YAML documents; put each in its own file");
    return std::nullopt;
  }
  if (!docs[0].IsMap()) {
    const char* kind = docs[0].IsSequence() ? "a list" : "a single value";
    diags.error(location_of(file.name, docs[0]), std::string("file is ") + kind + ": " + expected);
    return std::nullopt;
  }
  return docs[0];
}

}  // namespace swarmform::config
