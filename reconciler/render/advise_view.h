#pragma once
// `advise`'s answer (advise::Advice) as text like `plan`'s, as JSON
// (schemas/advise.schema.json) and as Markdown for a pull request.

#include <nlohmann/json.hpp>
#include <string>

#include "reconciler/advise/advice.h"
#include "reconciler/render/style.h"

namespace swarmform::render {

/// The basis first, loudly: "Advice from 1,442 windows over 7d 0h
/// (2026-11-24 .. 2026-12-01) in /var/lib/swarmform/usage.db", or, yellow,
/// "Advice from ONE live window of 60s — a weak basis: ..." and the
/// fallback reason; the --what-if lines.  Then per service that changes, as
/// `plan` prints an update ("~ api  (restarts 2 tasks)", "    limits.cpus: 1
/// → 0.35", "    host: kvm4 → kvm2"), its reasons dim under it and
/// cannot_raise red; the kept services with their reasons; how many are
/// unchanged.  Then "Hosts (as declared → as advised)" (Advice::
/// declared_hosts → placement.after): capacity, CPU and memory limits
/// against capacity ("9.6 → 3.2 (240% → 80%)"), reservations, the
/// budgets, measured p95 ("3.1 → 2.4 (78% → 60%)", the target in the
/// header), fits (green yes / red no).  Then the fixed loads, the moves with
/// their reasons, "No placement fits" (red) with every why_not and the
/// demand, the notes, and a last line: what the advice changes, or
/// "Nothing to change."  User strings pass printable().
std::string advise_text(const advise::Advice& advice, const Style& style);

/// {"format_version": "1.0", basis, target_utilization, what_if, fits,
/// services[] (old and new values, figures, reasons, cannot_raise), moves[],
/// hosts[] (before: as declared, after: as advised; capacity, budgets), why_not,
/// demand_p95_cpus, smallest_total_cpus, fixed[], notes}: CPUs in cores,
/// bytes as exact integers, what is not set or not known null.
/// schemas/advise.schema.json.
nlohmann::json advise_json(const advise::Advice& advice);

/// For a pull request's description: "### swarmform advise", the basis
/// sentence, a table of the services that change (Service | Limits |
/// Reservations | Host | Why), the hosts as declared → as advised, the moves, and
/// "Does not fit" with why_not.  Every string from outside through
/// markdown_escape.
std::string advise_markdown(const advise::Advice& advice);

}  // namespace swarmform::render
