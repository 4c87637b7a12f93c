#include "reconciler/cli/plan_output.h"

#include <unistd.h>

#include <iostream>

#include "reconciler/cli/desired_input.h"
#include "reconciler/engine/live_reader.h"
#include "reconciler/plan/compute.h"
#include "reconciler/plan/hash.h"
#include "reconciler/plan/plan_file.h"
#include "reconciler/render/plan_markdown.h"
#include "reconciler/render/plan_text.h"
#include "reconciler/util/file.h"

namespace swarmform::cli {

Result<plan::Plan> make_plan(const GlobalOptions& global, const ConnectionOptions& connection,
                             const std::vector<std::string>& targets) {
  DesiredInput in = read_desired(global.dir, CheckBudgets::no);
  print_diagnostics(in.loaded.diagnostics, global.no_color);
  if (!in.loaded.state) return fail("");
  SF_TRY_ASSIGN(auto client, connect_to_manager(*in.loaded.state, connection));
  SF_TRY_ASSIGN(auto live, engine::read_live_state(client));
  plan::PlanOptions options;
  options.targets = targets;
  options.desired_hash = plan::desired_content_hash(in.files);
  options.created_at = utc_now_rfc3339();
  return plan::compute_plan(*in.loaded.state, live, options);
}

void print_plan(const plan::Plan& plan, const std::string& format, bool no_color) {
  if (format == "json") {
    std::cout << plan::plan_json_text(plan);
  } else if (format == "markdown") {
    std::cout << render::plan_markdown(plan);
  } else {
    std::cout << render::plan_text(plan, render::style_for(STDOUT_FILENO, no_color)) << "\n";
  }
}

int plan_exit_code(const plan::Plan& plan, bool detailed) {
  if (plan.blocked()) return kExitError;
  return detailed && !plan.empty() ? kExitChanges : kExitOk;
}

}  // namespace swarmform::cli
