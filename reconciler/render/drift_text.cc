#include "reconciler/render/drift_text.h"

#include <fmt/format.h>

#include "reconciler/render/markdown_escape.h"
#include "reconciler/render/plan_source.h"
#include "reconciler/render/plan_words.h"

#include "reconciler/util/text_sanitize.h"

namespace swarmform::render {
namespace {

/// " (commit 3f2a1bc, ref main)", " (working tree at 3f2a1bc, uncommitted changes)", "".
std::string source_words(const report::DriftReport& r) {
  if (r.commit.empty()) return "";
  std::string s = " (";
  if (!r.ref.empty()) s += "commit " + short_commit(r.commit) + ", ref " + r.ref;
  else s += "working tree at " + short_commit(r.commit);
  if (!r.uncommitted.empty()) s += ", with uncommitted changes";
  return s + ")";
}

std::string services_word(size_t n) { return n == 1 ? "1 service differs" : std::to_string(n) + " services differ"; }

char symbol(report::Cause c) {
  switch (c) {
    case report::Cause::missing: return '+';
    case report::Cause::removed_from_git: return '-';
    default: return '~';
  }
}

std::string headline(const report::DriftReport& r) {
  switch (r.status) {
    case report::Status::in_sync: return "No drift: the swarm matches the desired state" + source_words(r) + ".";
    case report::Status::drift:
      return "Drift: " + services_word(r.services.size()) + " from the desired state" + source_words(r) + ".";
    case report::Status::error: return "Drift check failed: " + r.error;
  }
  return "";
}

std::string commitments(const report::DriftReport& r) {
  std::string s;
  for (const auto& h : r.hosts) {
    s += fmt::format("{}{} CPU {:.2f}x memory {:.2f}x", s.empty() ? "" : "; ", h.host, h.cpu_ratio(), h.memory_ratio());
  }
  return s;
}

constexpr const char* kAdvice =
    "`swarmform apply` makes the swarm match git again; a change made on purpose belongs in git first.";

}  // namespace

std::string drift_text(const report::DriftReport& r, const Style& st) {
  std::string out;
  switch (r.status) {
    case report::Status::in_sync: out += st.green(headline(r)); break;
    case report::Status::drift: out += st.yellow(headline(r)); break;
    case report::Status::error: out += st.red(headline(r)); break;
  }
  out += "\n";
  if (r.status == report::Status::error && !r.services.empty()) {
    out += "Drift: " + services_word(r.services.size()) + " from the desired state" + source_words(r) + ".\n";
  }
  for (const auto& s : r.services) {
    out += fmt::format("  {} {}: {}\n", symbol(s.cause), printable(s.name), report::cause_words(s.cause));
    if (s.cause == report::Cause::missing) continue;  // every field would read "none -> x"
    for (const auto& c : s.changes) {
      out += fmt::format("      {}: {} {}, desired {}\n", printable(c.field),
                         s.cause == report::Cause::dokploy_stored ? "stored in Dokploy" : "live", printable(c.before),
                         printable(c.after));
    }
  }
  for (const auto& f : r.findings) {
    std::string line = "  " + finding_line(f);
    out += (f.severity == model::Severity::error ? st.red(line) : st.yellow(line)) + "\n";
  }
  if (!r.hosts.empty()) out += "Committed now: " + commitments(r) + "\n";
  if (r.status == report::Status::drift) out += std::string(kAdvice) + "\n";
  return out;
}

std::string drift_markdown(const report::DriftReport& r) {
  std::string out = "### swarmform drift\n\n";
  const char* mark = r.status == report::Status::in_sync ? ":white_check_mark:"
                     : r.status == report::Status::drift ? ":warning:"
                                                         : ":x:";
  out += fmt::format("{} {}\n\n", mark, markdown_escape(headline(r)));
  if (!r.services.empty()) {
    out += "| | Service | Cause | Live → desired |\n| --- | --- | --- | --- |\n";
    for (const auto& s : r.services) {
      std::string fields;
      if (s.cause != report::Cause::missing) {
        for (const auto& c : s.changes) {
          fields += fmt::format("{}`{}` {} → {}", fields.empty() ? "" : "<br>", c.field, markdown_escape(c.before),
                                markdown_escape(c.after));
        }
      }
      out += fmt::format("| `{}` | `{}` | {} | {} |\n", symbol(s.cause), s.name, report::cause_words(s.cause), fields);
    }
    out += "\n";
  }
  for (const auto& f : r.findings) out += "- " + markdown_escape(finding_line(f)) + "\n";
  if (!r.findings.empty()) out += "\n";
  if (!r.hosts.empty()) out += "Committed now: " + markdown_escape(commitments(r)) + "\n\n";
  if (r.status == report::Status::drift) out += std::string(kAdvice) + "\n";
  out += fmt::format("\n<sub>checked at {}</sub>\n", r.checked_at);
  return out;
}

}  // namespace swarmform::render
