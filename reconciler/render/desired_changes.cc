#include "reconciler/render/desired_changes.h"

#include <string_view>

#include "reconciler/render/markdown_escape.h"
#include "reconciler/render/plan_source.h"

namespace swarmform::render {
namespace {

constexpr std::string_view kServicePrefix = "service ";
constexpr const char* kNoChanges = "No changes to the desired state.";

bool is_service(const plan::DesiredChange& c) { return c.subject.starts_with(kServicePrefix); }

/// "saleor-api" for "service saleor-api"; other subjects as they are.
std::string subject_words(const plan::DesiredChange& c) {
  return is_service(c) ? c.subject.substr(kServicePrefix.size()) : c.subject;
}

/// "host kvm4 → kvm2, limits.cpus 1.5 → 1".
std::string fields_words(const plan::DesiredChange& c) {
  std::string out;
  for (const auto& f : c.changes)
    out += (out.empty() ? "" : ", ") + f.field + " " + f.before + " → " + f.after;
  return out;
}

std::string with_commit(const std::string& name, const std::string& commit) {
  if (commit.empty()) return name;
  return name + " " + short_commit(commit);
}

}  // namespace

std::string desired_changes_range(const plan::Plan& p) {
  return with_commit(p.base, p.base_commit) + " → " +
         with_commit(p.ref.empty() ? std::string("this branch") : p.ref, p.commit);
}

char desired_change_symbol(plan::DesiredChange::Kind kind) {
  switch (kind) {
    case plan::DesiredChange::Kind::added:
      return '+';
    case plan::DesiredChange::Kind::removed:
      return '-';
    case plan::DesiredChange::Kind::changed:
      break;
  }
  return '~';
}

std::string desired_change_words(const plan::DesiredChange& c) {
  switch (c.kind) {
    case plan::DesiredChange::Kind::added: {
      std::string what = is_service(c) ? "service" : c.subject.starts_with("host ") ? "host" : "";
      return subject_words(c) + (what.empty() ? " (added)" : " (new " + what + ")");
    }
    case plan::DesiredChange::Kind::removed:
      return subject_words(c) + " (removed)";
    case plan::DesiredChange::Kind::changed:
      break;
  }
  return subject_words(c) + ": " + fields_words(c);
}

std::string desired_changes_text(const plan::Plan& p, const Style& style) {
  if (p.base.empty()) return "";
  std::string out = style.bold("Changes in git (" + desired_changes_range(p) + "):") + "\n";
  if (p.desired_changes.empty()) out += "  " + style.dim(kNoChanges) + "\n";
  for (const auto& c : p.desired_changes) {
    std::string symbol(1, desired_change_symbol(c.kind));
    std::string coloured = c.kind == plan::DesiredChange::Kind::added     ? style.green(symbol)
                           : c.kind == plan::DesiredChange::Kind::removed ? style.red(symbol)
                                                                          : style.yellow(symbol);
    out += "  " + coloured + " " + desired_change_words(c) + "\n";
  }
  return out + "\n";
}

std::string desired_changes_markdown(const plan::Plan& p) {
  if (p.base.empty()) return "";
  std::string out = "### Changes in git\n\n" + markdown_escape(desired_changes_range(p)) + "\n\n";
  if (p.desired_changes.empty()) return out + kNoChanges + "\n\n";
  out += "| | Changed | How |\n| --- | --- | --- |\n";
  for (const auto& c : p.desired_changes) {
    std::string how;
    switch (c.kind) {
      case plan::DesiredChange::Kind::added:
        how = is_service(c) ? "new service" : c.subject.starts_with("host ") ? "new host" : "added";
        break;
      case plan::DesiredChange::Kind::removed:
        how = "removed";
        break;
      case plan::DesiredChange::Kind::changed:
        for (const auto& f : c.changes) {
          how += (how.empty() ? "" : "<br>") + markdown_escape(f.field) + ": " +
                 markdown_escape(f.before) + " → " + markdown_escape(f.after);
        }
        break;
    }
    out += "| " + std::string(1, desired_change_symbol(c.kind)) + " | `" + subject_words(c) +
           "` | " + how + " |\n";
  }
  return out + "\n";
}

}  // namespace swarmform::render
