#pragma once
// The drift report for people: text for a terminal or a cron mail, Markdown
// for an issue or a chat message.

#include <string>

#include "reconciler/render/style.h"
#include "reconciler/report/drift_report.h"

namespace swarmform::render {

/// E.g.
///   Drift: 1 service differs from the desired state (commit 3f2a1bc).
///     ~ saleor-api: changed outside swarmform
///         limits.cpus: live 1, desired 1.5
///   Committed now: kvm2 CPU 0.98x memory 0.40x; kvm4 CPU 0.99x memory 0.52x
///   `swarmform apply` reverts the swarm to git; a change made on purpose belongs in git.
/// or "No drift: ..." / "Drift check failed: ...".
std::string drift_text(const report::DriftReport& report, const Style& style);

/// The same as GitHub-flavoured Markdown.
std::string drift_markdown(const report::DriftReport& report);

}  // namespace swarmform::render
