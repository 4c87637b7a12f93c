#include "reconciler/cli/desired_input.h"

#include <cstdlib>

#include "reconciler/config/budget.h"
#include "reconciler/source/directory_source.h"

namespace swarmform::cli {

DesiredInput read_desired(const std::string& dir) {
  DesiredInput in;
  auto files = source::read_directory(dir);
  if (!files) {
    in.loaded.diagnostics.error({}, files.error().message);
    return in;
  }
  config::LoadOptions options;
  options.base_dir = dir;
  if (const char* home = std::getenv("HOME")) options.home = home;
  in.loaded = config::load_desired_state(*files, options);
  if (in.loaded.state) {
    in.loads = model::desired_host_loads(*in.loaded.state);
    config::check_budgets(*in.loaded.state, in.loads, in.loaded.diagnostics);
  }
  return in;
}

}  // namespace swarmform::cli
