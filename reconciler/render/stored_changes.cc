#include "reconciler/render/stored_changes.h"

#include "reconciler/render/markdown_escape.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::render {
namespace {

std::string system_title(const std::string& system) { return system == "dokploy" ? "Dokploy" : system; }

std::string field_line(const plan::StoredChange& c, const plan::FieldChange& f) {
  return printable(c.system) + ": stored " + printable(f.field) + " " + printable(f.before) + " → " +
         printable(f.after) + " (a " + system_title(c.system) + " redeploy would otherwise revert it)";
}

std::string name_of(const plan::StoredChange& c) {
  std::string name = printable(c.service);
  if (!c.live_name.empty() && c.live_name != c.service) name += "  [" + printable(c.live_name) + "]";
  return name;
}

}  // namespace

std::string stored_changes_text(const plan::Plan& p, const Style& style) {
  if (p.stored.empty()) return "";
  std::string out = style.bold("Dokploy stores other values; apply writes them there first:") + "\n";
  for (const auto& c : p.stored) {
    out += style.yellow("~ " + name_of(c)) + "\n";
    for (const auto& f : c.changes) out += "    " + field_line(c, f) + "\n";
  }
  return out + "\n";
}

std::string stored_changes_markdown(const plan::Plan& p) {
  if (p.stored.empty()) return "";
  std::string out = "#### Dokploy stores other values\n\napply writes them to Dokploy first.\n\n";
  for (const auto& c : p.stored) {
    for (const auto& f : c.changes) out += "- `" + c.service + "`: " + markdown_escape(field_line(c, f)) + "\n";
  }
  return out + "\n";
}

}  // namespace swarmform::render
