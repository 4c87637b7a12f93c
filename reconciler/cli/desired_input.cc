#include "reconciler/cli/desired_input.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "reconciler/config/budget.h"
#include "reconciler/render/style.h"
#include "reconciler/source/directory_source.h"

namespace swarmform::cli {

DesiredInput read_desired(const std::string& dir, CheckBudgets budgets) {
  DesiredInput in;
  auto files = source::read_directory(dir);
  if (!files) {
    in.loaded.diagnostics.error({}, files.error().message);
    return in;
  }
  in.files = std::move(*files);
  config::LoadOptions options;
  options.base_dir = dir;
  if (const char* home = std::getenv("HOME")) options.home = home;
  in.loaded = config::load_desired_state(in.files, options);
  if (in.loaded.state) {
    in.loads = model::desired_host_loads(*in.loaded.state);
    if (budgets == CheckBudgets::yes) config::check_budgets(*in.loaded.state, in.loads, in.loaded.diagnostics);
  }
  return in;
}

void print_diagnostics(const model::Diagnostics& diags, bool no_color) {
  render::Style style = render::style_for(STDERR_FILENO, no_color);
  for (const auto& d : diags.items()) {
    std::string line = model::format_diagnostic(d);
    std::cerr << (d.severity == model::Severity::error ? style.red(line) : style.yellow(line)) << "\n";
  }
}

}  // namespace swarmform::cli
