#include <unistd.h>

#include <iostream>

#include "reconciler/cli/commands.h"
#include "reconciler/cli/desired_input.h"
#include "reconciler/cli/engine_connection.h"
#include "reconciler/cli/plan_output.h"
#include "reconciler/plan/plan_file.h"
#include "reconciler/render/style.h"
#include "reconciler/util/file.h"

namespace swarmform::cli {
namespace {

struct PlanCommandOptions {
  std::vector<std::string> targets;
  std::string out;
  std::string format = "text";
  bool detailed_exitcode = false;
  std::string base;
  ConnectionOptions connection;
  SourceOptions source;
};

int run_plan(const GlobalOptions& global, const PlanCommandOptions& opts) {
  render::Style err = render::style_for(STDERR_FILENO, global.no_color);
  auto made = make_plan(global, opts.connection, PlanInputs{opts.targets, opts.source, opts.base});
  if (!made) {
    if (!made.error().message.empty()) std::cerr << err.red("swarmform: error: " + made.error().message) << "\n";
    return kExitError;
  }
  const plan::Plan& plan = *made;
  // --out -: the plan file is what stdout carries; the view goes to stderr.
  print_plan(plan, opts.format, global.no_color, opts.out == "-" ? PlanView::to_stderr : PlanView::to_stdout);
  if (!opts.out.empty()) {
    auto written = write_output_file(opts.out, plan::plan_json_text(plan), kPrivateFileMode);
    if (!written) {
      std::cerr << err.red("swarmform: error: " + written.error().message) << "\n";
      return kExitError;
    }
    if (opts.format == "text" && *written == WrittenTo::file) {
      std::cout << "\nSaved the plan to " << opts.out << ". To apply exactly this plan: swarmform apply " << opts.out
                << "\n";
    }
  }
  return plan_exit_code(plan, opts.detailed_exitcode);
}

}  // namespace

void add_plan_command(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<PlanCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "plan", "Compare the desired state with the live swarm and show what apply would change (changes nothing)");
  cmd->add_option("--target", opts->targets, "Plan only this service (repeatable); the plan is partial");
  cmd->add_option("--out", opts->out, "Save the plan to FILE for `swarmform apply FILE` (mode 0600, replaced atomically; a device or "
                  "FIFO is written straight; - is stdout, the plan view then goes to stderr)");
  cmd->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"text", "json", "markdown"}));
  cmd->add_flag("--detailed-exitcode", opts->detailed_exitcode, "Exit 0 no changes, 2 changes, 1 error");
  cmd->add_option("--base", opts->base,
                  "Also show what the desired state changes since this git ref (a pull request's base, "
                  "e.g. origin/main)");
  add_source_flags(*cmd, opts->source);
  add_connection_flags(*cmd, opts->connection);
  cmd->callback([&global, &exit_code, opts] { exit_code = run_plan(global, *opts); });
}

}  // namespace swarmform::cli
