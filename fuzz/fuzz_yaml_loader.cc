// The desired state from bytes, as `validate` reads it: the loader, the
// per-host budget arithmetic, the budget policy and the capacity table and
// JSON; then a plan of it against an empty swarm, as text and JSON.  The input is split into up to
// four files at lines "#@file" (a YAML comment), so keys defined twice across files are reached
// too.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "reconciler/config/budget.h"
#include "reconciler/config/loader.h"
#include "reconciler/model/capacity.h"
#include "reconciler/plan/compute.h"
#include "reconciler/plan/plan_file.h"
#include "reconciler/render/capacity_table.h"
#include "reconciler/render/plan_text.h"

namespace {

std::vector<swarmform::model::SourceFile> split_files(std::string_view input) {
  constexpr std::string_view kSeparator = "\n#@file\n";
  std::vector<swarmform::model::SourceFile> files;
  while (files.size() < 3) {
    std::size_t at = input.find(kSeparator);
    if (at == std::string_view::npos) break;
    files.push_back(
        {"f" + std::to_string(files.size()) + ".yaml", std::string(input.substr(0, at + 1))});
    input.remove_prefix(at + kSeparator.size());
  }
  files.push_back({"f" + std::to_string(files.size()) + ".yaml", std::string(input)});
  return files;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace swarmform;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  config::Loaded loaded = config::load_desired_state(split_files(input), config::LoadOptions{});
  for (const auto& d : loaded.diagnostics.items()) (void)model::format_diagnostic(d);
  if (!loaded.state) return 0;
  std::vector<model::HostLoad> loads = model::desired_host_loads(*loaded.state);
  config::check_budgets(*loaded.state, loads, loaded.diagnostics);
  for (const auto& d : loaded.diagnostics.items()) (void)model::format_diagnostic(d);
  (void)render::capacity_table(loads, render::Style{});
  for (const auto& load : loads) (void)render::capacity_json(load).dump();
  plan::Plan plan = plan::compute_plan(*loaded.state, model::LiveState{}, plan::PlanOptions{});
  (void)render::plan_text(plan, render::Style{});
  (void)plan::plan_json_text(plan);
  return 0;
}
