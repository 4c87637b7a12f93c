#include <unistd.h>

#include <iostream>

#include "reconciler/cli/apply_flow.h"
#include "reconciler/cli/commands.h"
#include "reconciler/cli/desired_input.h"
#include "reconciler/cli/duration.h"
#include "reconciler/cli/engine_connection.h"
#include "reconciler/cli/plan_output.h"
#include "reconciler/cli/saved_plan.h"
#include "reconciler/plan/hash.h"
#include "reconciler/render/style.h"

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

/// " (made from commit 3f2c1a0, ref main)", or "" when the plan knows neither.
std::string made_from(const plan::Plan& saved) {
  std::string out;
  if (!saved.commit.empty()) out += "commit " + saved.commit.substr(0, 12);
  if (!saved.ref.empty()) out += (out.empty() ? "" : ", ") + std::string("--ref ") + saved.ref;
  return out.empty() ? "" : " (it was made from " + out + ")";
}

/// The desired state a saved plan was made from, read where -C and --ref
/// say, with its diagnostics printed.  An error when there is none there,
/// when it does not load, or when its content hash is not the one the plan
/// records (another desired state).
Result<DesiredInput> desired_of_saved_plan(const GlobalOptions& global, const ApplyCommandOptions& opts,
                                           const plan::Plan& saved) {
  DesiredInput in = read_desired(global.dir, with_connection(opts.source, opts.connection), CheckBudgets::no);
  if (!in.loaded.state && in.files.empty() && !in.source_error) {
    const auto& diags = in.loaded.diagnostics.items();
    std::string why = diags.empty() ? std::string("nothing to read") : diags.front().message;
    return fail("a saved plan needs the desired state it was made from" + made_from(saved) +
                ": give its folder with -C DIR, or its commit with --ref REF; " + global.dir + " has none (" + why +
                ")");
  }
  print_diagnostics(in.loaded.diagnostics, global.no_color);
  if (!in.loaded.state) {
    return fail("the desired state in " + global.dir + " has errors (above); a saved plan is applied with the " +
                "desired state it was made from");
  }
  const std::string hash = plan::desired_content_hash(in.files);
  if (hash != saved.desired_hash) {
    return fail("the desired state read from " + global.dir + (in.ref.empty() ? "" : " at " + in.ref) + " (" + hash +
                ") is not the one the plan was made from (" + saved.desired_hash + ")" + made_from(saved) +
                "; nothing was applied. Give that desired state with -C DIR and --ref REF, or make a new plan");
  }
  return in;
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

  // The desired state names the manager to connect to, and for a saved plan
  // it is where every desired value comes from: the file only carries what
  // was reviewed and the live versions it was made against.
  PlanInputs inputs{opts.targets, opts.source, ""};
  plan::Plan plan;
  Result<DesiredInput> in = fail("");
  if (!opts.planfile.empty()) {
    auto saved = read_plan_file(opts.planfile);
    if (!saved) return error(saved.error().message);
    plan = std::move(*saved);
    in = desired_of_saved_plan(global, opts, plan);
    if (!in) return in.error().message.empty() ? kExitError : error(in.error().message);
    // What is applied is labelled with where its desired state was read now.
    plan.commit = in->commit;
    plan.ref = in->ref;
    plan.uncommitted = in->uncommitted;
  } else {
    in = read_plan_input(global, opts.connection, inputs);
    if (!in) return error("the desired state in " + global.dir + " has errors; it names the swarm to apply to");
    auto made = plan_for(*in, global, opts.connection, inputs);
    if (!made) return made.error().message.empty() ? kExitError : error(made.error().message);
    plan = std::move(*made);
  }
  const model::DesiredState& state = *in->loaded.state;
  print_plan(plan, "text", global.no_color);
  if (plan.blocked()) return error("the plan has errors (above); nothing was applied");
  if (plan.nothing_to_write()) {  // the plan text said "No changes."
    mention_held_lock(state, opts.connection, global.no_color);
    return kExitOk;
  }
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
