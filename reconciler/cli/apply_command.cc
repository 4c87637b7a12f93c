#include <unistd.h>

#include <iostream>

#include "reconciler/cli/apply_flow.h"
#include "reconciler/cli/commands.h"
#include "reconciler/cli/desired_input.h"
#include "reconciler/cli/duration.h"
#include "reconciler/cli/engine_connection.h"
#include "reconciler/cli/plan_output.h"
#include "reconciler/plan/plan_file.h"
#include "reconciler/render/style.h"
#include "reconciler/util/file.h"

namespace swarmform::cli {
namespace {

struct ApplyCommandOptions {
  std::string planfile;
  bool auto_approve = false;
  std::vector<std::string> targets;
  int parallelism = 4;
  std::string timeout = "5m";
  bool rollback = true;
  bool allow_dirty = false;
  ConnectionOptions connection;
  SourceOptions source;
};

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

bool confirmed() {
  std::cout << "\nDo you want to perform these actions? Only 'yes' will be accepted: " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "yes";
}

int run_apply_command(const GlobalOptions& global, const ApplyCommandOptions& opts) {
  render::Style err = render::style_for(STDERR_FILENO, global.no_color);
  auto error = [&err](const std::string& message) {
    std::cerr << err.red("swarmform: error: " + message) << "\n";
    return kExitError;
  };
  auto timeout = parse_duration(opts.timeout);
  if (!timeout) return error("--timeout: " + timeout.error().message);
  if (!opts.planfile.empty() && !opts.targets.empty()) {
    return error("--target applies to a fresh plan; a saved plan is applied as it was saved (plan it with --target)");
  }

  // The desired state names the manager to connect to, also for a saved plan.
  PlanInputs inputs{opts.targets, opts.source, ""};
  auto in = read_plan_input(global, opts.connection, inputs);
  if (!in) return error("the desired state in " + global.dir + " has errors; it names the swarm to apply to");
  const model::DesiredState& state = *in->loaded.state;

  plan::Plan plan;
  if (!opts.planfile.empty()) {
    auto text = read_file(opts.planfile);
    if (!text) return error(text.error().message);
    auto loaded = plan::parse_plan_json_text(*text);
    if (!loaded) return error(opts.planfile + " is not a swarmform plan: " + loaded.error().message);
    plan = std::move(*loaded);
  } else {
    auto made = plan_for(*in, global, opts.connection, inputs);
    if (!made) return made.error().message.empty() ? kExitError : error(made.error().message);
    plan = std::move(*made);
  }
  print_plan(plan, "text", global.no_color);
  if (plan.blocked()) return error("the plan has errors (above); nothing was applied");
  if (plan.empty()) return kExitOk;  // the plan text said "No changes."
  if (plan.dirty() && !opts.allow_dirty) {
    return error("the desired state has uncommitted changes (" + joined(plan.uncommitted) +
                 "); nothing was applied. Commit them, so the swarm is labelled with the commit it runs, "
                 "or pass --allow-dirty");
  }
  if (opts.planfile.empty() && !opts.auto_approve) {
    if (isatty(STDIN_FILENO) != 1) {
      return error("apply needs a 'yes': run it on a terminal, pass --auto-approve, or apply a saved plan "
                   "(swarmform plan --out FILE; swarmform apply FILE)");
    }
    if (!confirmed()) return error("apply cancelled; nothing was changed");
  }

  SignalGuard signals;  // before the lock: a signal from here on never leaves it behind
  ApplySettings settings{opts.parallelism, *timeout, opts.rollback};
  return apply_plan(plan, state, opts.connection, settings, signals, global.no_color);
}

}  // namespace

void add_apply_command(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<ApplyCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "apply", "Make the swarm match the desired state (or apply a saved plan), under the swarm's apply lock");
  cmd->add_option("planfile", opts->planfile, "A plan saved by `swarmform plan --out FILE` (applied without asking)");
  cmd->add_flag("--auto-approve", opts->auto_approve, "Do not ask for 'yes' first");
  cmd->add_option("--target", opts->targets, "Apply only this service (repeatable)");
  cmd->add_option("--parallelism", opts->parallelism, "Services changed at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--timeout", opts->timeout, "Per service: how long to wait for its tasks (e.g. 90s, 5m)")
      ->capture_default_str();
  cmd->add_flag("--rollback-on-failure,!--no-rollback-on-failure", opts->rollback,
                "Roll a service that fails back to its previous spec (default; --no-rollback-on-failure leaves it)");
  cmd->add_flag("--allow-dirty", opts->allow_dirty,
                "Apply even though desired-state files have uncommitted changes (labels the commit as <sha>-dirty)");
  add_source_flags(*cmd, opts->source);
  add_connection_flags(*cmd, opts->connection);
  cmd->callback([&global, &exit_code, opts] { exit_code = run_apply_command(global, *opts); });
}

}  // namespace swarmform::cli
