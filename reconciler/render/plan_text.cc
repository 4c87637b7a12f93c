#include "reconciler/render/plan_text.h"

#include "reconciler/render/desired_changes.h"
#include "reconciler/render/plan_capacity.h"
#include "reconciler/render/plan_source.h"
#include "reconciler/render/plan_words.h"
#include "reconciler/render/stored_changes.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::render {
namespace {

std::string header(const plan::ServiceChange& c, const Style& style) {
  std::string symbol(1, plan::action_symbol(c.action));
  std::string line;
  switch (c.action) {
    case plan::Action::create:
      line = style.green(symbol + " " + printable(c.name));
      break;
    case plan::Action::remove:
      line = style.red(symbol + " " + printable(c.name));
      break;
    default:
      line = style.yellow(symbol + " " + printable(c.name));
      break;
  }
  line = style.bold(line);
  if (!c.live_name.empty() && c.live_name != c.name) line += "  [" + printable(c.live_name) + "]";
  std::string marker = "(" + restart_words(c) + ")";
  return line + "  " + (c.restarts_tasks ? style.yellow(marker) : style.dim(marker)) + "\n";
}

std::string body(const plan::ServiceChange& c) {
  std::string out;
  if (c.action == plan::Action::create && c.create && c.create->image)
    out += "    image: " + printable(*c.create->image) + "\n";
  for (const auto& f : c.changes) {
    out += "    " + printable(f.field) + ": ";
    out += c.action == plan::Action::create ? printable(f.after) : printable(f.before) + " → " + printable(f.after);
    out += "\n";
  }
  if (c.action == plan::Action::remove) {
    out += "    no longer declared (policy.prune)";
    if (!c.from_host.empty()) out += "; runs on " + printable(c.from_host);
    out += "\n";
  }
  if (std::string drift = drift_words(c.drift); !drift.empty()) out += "    drift: " + drift + "\n";
  return out;
}

}  // namespace

std::string plan_changes_text(const plan::Plan& p, const Style& style) {
  std::string out;
  for (const auto& c : p.services) {
    if (!plan::is_change(c.action)) continue;
    out += header(c, style) + body(c);
  }
  return out;
}

std::string plan_text(const plan::Plan& p, const Style& style) {
  std::string out = style.bold("swarmform plan") + " of desired state " +
                    (p.desired_hash.empty() ? std::string("(unhashed)") : p.desired_hash);
  if (!p.created_at.empty()) out += ", made " + p.created_at;
  out += "\n";
  if (std::string source = source_line(p); !source.empty()) out += source + "\n";
  if (p.dirty()) out += style.yellow(dirty_line(p)) + "\n";
  out += "\n";
  if (p.partial()) out += style.yellow(partial_line(p)) + "\n\n";
  out += desired_changes_text(p, style);

  std::string changes = plan_changes_text(p, style);
  if (!changes.empty()) {
    if (!p.base.empty()) out += style.bold("Changes in the swarm:") + "\n";
    size_t unchanged = p.count(plan::Action::noop);
    out += changes + "\n";
    if (unchanged > 0) {
      out += style.dim(std::to_string(unchanged) +
                       (unchanged == 1 ? " service unchanged." : " services unchanged.")) +
             "\n\n";
    }
  }
  out += stored_changes_text(p, style);
  if (!p.hosts.empty())
    out += "Hosts after this plan:\n" + plan_capacity_table(p.hosts, style) + "\n";
  if (!p.findings.empty()) {
    out += "Findings:\n";
    for (const auto& f : p.findings) {
      std::string line = finding_line(f);
      out += "  " + (f.severity == model::Severity::error ? style.red(line) : style.yellow(line)) +
             "\n";
    }
    out += "\n";
  }
  out += style.bold(plan_summary(p)) + "\n";
  if (p.blocked()) out += style.red(blocked_line(p)) + "\n";
  return out;
}

}  // namespace swarmform::render
