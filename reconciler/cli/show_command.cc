#include <unistd.h>

#include <iostream>

#include "reconciler/cli/commands.h"
#include "reconciler/cli/plan_output.h"
#include "reconciler/cli/saved_plan.h"
#include "reconciler/render/style.h"

namespace swarmform::cli {
namespace {

struct ShowOptions {
  std::string file;
  std::string format = "text";
};

int run_show(const GlobalOptions& global, const ShowOptions& opts) {
  render::Style err = render::style_for(STDERR_FILENO, global.no_color);
  // Rendered from the values apply writes (see derive_shown in plan_file.cc),
  // never from the text stored beside them.
  auto plan = read_plan_file(opts.file);
  if (!plan) {
    std::cerr << err.red("swarmform: error: " + plan.error().message) << "\n";
    return kExitError;
  }
  print_plan(*plan, opts.format, global.no_color);
  return kExitOk;
}

}  // namespace

void add_show_command(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<ShowOptions>();
  CLI::App* cmd = app.add_subcommand("show", "Render a saved plan (from `plan --out FILE`)");
  cmd->add_option("file", opts->file, "The saved plan")->required();
  cmd->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"text", "json", "markdown"}));
  cmd->callback([&global, &exit_code, opts] { exit_code = run_show(global, *opts); });
}

}  // namespace swarmform::cli
