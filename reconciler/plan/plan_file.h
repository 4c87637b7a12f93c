#pragma once
// The plan as JSON: the saved plan file (`plan --out`) and the
// `--format json` output are the same document, described by
// schemas/plan.schema.json.  It carries everything apply needs: per service
// the live id, engine version index and owned-field hash it was planned
// against, the changes, the owned values to write and, for a create, the
// whole declared service.  Exact integers (nano-CPUs, bytes) sit beside
// human strings; decoding reads the integers only, and "summary" is derived.
// Where the desired state came from rides along: "commit", "ref",
// "uncommitted" (dirty working-tree files), and for plan --base "base",
// "base_commit" and "desired_changes" ({"subject", "kind": "added" |
// "removed" | "changed", "changes": [{"field", "before", "after"}]}).

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "reconciler/plan/plan.h"
#include "reconciler/util/result.h"

namespace swarmform::plan {

/// The JSON document of `plan` (format_version kPlanFormatVersion).
/// Keys keep the documented order (format_version first).
nlohmann::ordered_json encode_plan(const Plan& plan);

/// Reads a document encode_plan wrote, of any 1.x format version (keys a
/// later minor version added are read as empty when missing).  On
/// failure the error names the field ("services[1].action: unknown action
/// 'mutate'") or the unsupported format_version.
Result<Plan> decode_plan(const nlohmann::json& document);

/// encode_plan(plan), indented by 2, with a final newline.
std::string plan_json_text(const Plan& plan);

/// Parses and decodes plan file content; an error for text that is not JSON.
Result<Plan> parse_plan_json_text(std::string_view text);

}  // namespace swarmform::plan
