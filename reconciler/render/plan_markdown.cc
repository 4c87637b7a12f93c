#include "reconciler/render/plan_markdown.h"

#include "reconciler/render/desired_changes.h"
#include "reconciler/render/stored_changes.h"
#include "reconciler/render/markdown_escape.h"
#include "reconciler/render/plan_capacity.h"
#include "reconciler/render/plan_source.h"
#include "reconciler/render/plan_text.h"
#include "reconciler/render/plan_words.h"

namespace swarmform::render {
namespace {

/// Safe inside a table cell: pipes escaped, newlines as <br>.
std::string cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += "<br>";
    else
      out += c;
  }
  return out;
}

std::string changes_cell(const plan::ServiceChange& c) {
  std::string out;
  if (c.action == plan::Action::create) {
    out = "create" +
          (c.create && c.create->image ? " from `" + *c.create->image + "`" : std::string());
    for (const auto& f : c.changes) out += "<br>" + f.field + ": " + f.after;
    return out;
  }
  if (c.action == plan::Action::remove) {
    return "delete: no longer declared" +
           (c.from_host.empty() ? std::string() : " (on " + c.from_host + ")");
  }
  for (const auto& f : c.changes)
    out += (out.empty() ? "" : "<br>") + f.field + ": " + f.before + " → " + f.after;
  return out;
}

std::string changes_table(const plan::Plan& p) {
  std::string out = "| | Service | Changes | Tasks | Drift |\n| --- | --- | --- | --- | --- |\n";
  for (const auto& c : p.services) {
    if (!plan::is_change(c.action)) continue;
    std::string name = "`" + c.name + "`";
    if (!c.live_name.empty() && c.live_name != c.name) name += "<br><sub>" + c.live_name + "</sub>";
    out += "| " + std::string(1, plan::action_symbol(c.action)) + " | " + cell(name) + " | " +
           cell(changes_cell(c)) + " | " + restart_words(c) + " | " + cell(drift_words(c.drift)) +
           " |\n";
  }
  return out;
}

}  // namespace

std::string plan_markdown(const plan::Plan& p) {
  std::string out = "### swarmform plan\n\n**" + plan_summary(p) + "**\n\n";
  if (p.blocked()) out += "> **" + blocked_line(p) + "**\n\n";
  if (p.partial()) out += "> " + partial_line(p) + "\n\n";
  if (std::string source = source_line(p); !source.empty()) out += markdown_escape(source) + "\n\n";
  if (p.dirty()) out += "> **" + markdown_escape(dirty_line(p)) + "**\n\n";
  out += desired_changes_markdown(p);
  if (!p.base.empty()) {
    out += "### Changes in the swarm\n\n";
    if (p.empty()) out += plan_summary(p) + "\n\n";
  }
  if (!p.empty()) {
    out += changes_table(p) + "\n";
    size_t unchanged = p.count(plan::Action::noop);
    if (unchanged > 0) {
      out += std::to_string(unchanged) +
             (unchanged == 1 ? " service unchanged.\n\n" : " services unchanged.\n\n");
    }
  }
  out += stored_changes_markdown(p);
  if (!p.hosts.empty())
    out += "#### Hosts after this plan\n\n" + plan_capacity_markdown(p.hosts) + "\n";
  if (!p.findings.empty()) {
    out += "#### Findings\n\n";
    for (const auto& f : p.findings) {
      out += std::string("- **") + (f.severity == model::Severity::error ? "error" : "warning") +
             "** `" + f.subject + "`: " + f.message + "\n";
    }
    out += "\n";
  }
  out += "<details><summary>Full plan</summary>\n\n```text\n" + plan_text(p, Style{false}) +
         "```\n\n</details>\n";
  out += "\n<sub>desired state " +
         (p.desired_hash.empty() ? std::string("(unhashed)") : "`" + p.desired_hash + "`");
  if (!p.commit.empty()) out += ", commit `" + p.commit + "`";
  out += ", plan format " + p.format_version + "</sub>\n";
  return out;
}

}  // namespace swarmform::render
