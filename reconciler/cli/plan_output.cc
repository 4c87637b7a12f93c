#include "reconciler/cli/plan_output.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "reconciler/cli/desired_input.h"
#include "reconciler/cli/dokploy_step.h"
#include "reconciler/engine/live_reader.h"
#include "reconciler/plan/compute.h"
#include "reconciler/plan/desired_diff.h"
#include "reconciler/plan/hash.h"
#include "reconciler/plan/plan_file.h"
#include "reconciler/render/plan_markdown.h"
#include "reconciler/render/plan_text.h"
#include "reconciler/util/file.h"

namespace swarmform::cli {

SourceOptions with_connection(SourceOptions source, const ConnectionOptions& connection) {
  if (connection.identity) source.remote.identity = *connection.identity;
  source.remote.accept_new_host_keys = connection.accept_new_host_keys;
  source.remote.timeout_seconds = std::max(connection.connect_timeout_s, 30);
  return source;
}

namespace {

/// plan --base: the desired-state changes from `base` to `head`, recorded
/// in the plan.  An unknown base ref fails; a base whose YAML does not load
/// (this branch may be the fix) is a warning finding and no diff.
Result<void> add_base_diff(plan::Plan& plan, const std::string& dir, const DesiredInput& head,
                           const std::string& base) {
  DesiredInput old = read_desired_at(dir, head, base);
  if (old.source_error && old.source_error->kind == ErrorKind::absent_at_commit) {
    // The branch adds the desired-state folder: everything in it is new.
    plan.base = base;
    plan.desired_changes = plan::diff_desired(model::DesiredState{}, *head.loaded.state);
    return {};
  }
  if (!old.loaded.state && old.files.empty()) {
    return fail("--base " + base + ": " +
                (old.loaded.diagnostics.items().empty() ? std::string("cannot be read")
                                                        : old.loaded.diagnostics.items().front().message));
  }
  plan.base = base;
  plan.base_commit = old.commit;
  if (!old.loaded.state) {
    plan.findings.push_back({model::Severity::warning, "base " + base,
                             "the desired state at " + base + " does not load (" +
                                 std::to_string(old.loaded.diagnostics.count(model::Severity::error)) +
                                 " errors); the changes in git are not shown"});
    return {};
  }
  plan.desired_changes = plan::diff_desired(*old.loaded.state, *head.loaded.state);
  return {};
}

}  // namespace

Result<DesiredInput> read_plan_input(const GlobalOptions& global, const ConnectionOptions& connection,
                                     const PlanInputs& inputs) {
  DesiredInput in = read_desired(global.dir, with_connection(inputs.source, connection), CheckBudgets::no);
  print_diagnostics(in.loaded.diagnostics, global.no_color);
  if (!in.loaded.state) return fail("");
  return in;
}

Result<plan::Plan> plan_for(const DesiredInput& in, const GlobalOptions& global, const ConnectionOptions& connection,
                            const PlanInputs& inputs) {
  SF_TRY_ASSIGN(auto client, connect_to_manager(*in.loaded.state, connection));
  SF_TRY_ASSIGN(auto live, engine::read_live_state(client));
  plan::PlanOptions options;
  options.targets = inputs.targets;
  options.desired_hash = plan::desired_content_hash(in.files);
  options.created_at = utc_now_rfc3339();
  options.commit = in.commit;
  plan::Plan plan = plan::compute_plan(*in.loaded.state, live, options);
  SF_TRY(add_dokploy_to_plan(plan, *in.loaded.state, live, connection));
  plan.ref = in.ref;
  plan.uncommitted = in.uncommitted;
  if (!inputs.base.empty()) SF_TRY(add_base_diff(plan, global.dir, in, inputs.base));
  return plan;
}

Result<plan::Plan> make_plan(const GlobalOptions& global, const ConnectionOptions& connection,
                             const PlanInputs& inputs) {
  SF_TRY_ASSIGN(auto in, read_plan_input(global, connection, inputs));
  return plan_for(in, global, connection, inputs);
}

void print_plan(const plan::Plan& plan, const std::string& format, bool no_color, PlanView where) {
  const bool to_stderr = where == PlanView::to_stderr;
  std::ostream& out = to_stderr ? std::cerr : std::cout;
  if (format == "json") {
    out << plan::plan_json_text(plan);
  } else if (format == "markdown") {
    out << render::plan_markdown(plan);
  } else {
    out << render::plan_text(plan, render::style_for(to_stderr ? STDERR_FILENO : STDOUT_FILENO, no_color)) << "\n";
  }
}

int plan_exit_code(const plan::Plan& plan, bool detailed) {
  if (plan.blocked()) return kExitError;
  return detailed && !plan.nothing_to_write() ? kExitChanges : kExitOk;
}

}  // namespace swarmform::cli
