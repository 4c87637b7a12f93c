#include <unistd.h>

#include <iostream>

#include "reconciler/apply/lock.h"
#include "reconciler/cli/commands.h"
#include "reconciler/cli/desired_input.h"
#include "reconciler/cli/engine_connection.h"
#include "reconciler/render/style.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::cli {
namespace {

struct UnlockOptions {
  std::string lock_id;
  bool force = false;
  ConnectionOptions connection;
};

int run_unlock(const GlobalOptions& global, const UnlockOptions& opts) {
  render::Style err = render::style_for(STDERR_FILENO, global.no_color);
  DesiredInput in = read_desired(global.dir, CheckBudgets::no);
  if (!in.loaded.state) {
    print_diagnostics(in.loaded.diagnostics, global.no_color);
    return kExitError;
  }
  auto client = connect_to_manager(*in.loaded.state, opts.connection);
  if (!client) {
    std::cerr << err.red("swarmform: error: " + client.error().message) << "\n";
    return kExitError;
  }
  auto removed =
      apply::force_unlock(*client, opts.lock_id, opts.force ? apply::RemoveLive::yes : apply::RemoveLive::no);
  if (!removed) {
    std::cerr << err.red("swarmform: error: " + removed.error().message) << "\n";
    return kExitError;
  }
  std::cout << "Removed lock " << printable(removed->id) << " held by " << printable(removed->who) << " since "
            << printable(removed->created) << ".\n";
  return kExitOk;
}

}  // namespace

void add_unlock_command(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<UnlockOptions>();
  CLI::App* cmd = app.add_subcommand(
      "unlock",
      "Remove the swarm's apply lock left by an apply that died (by its id); refused while its holder still runs "
      "on this host, unless --force");
  cmd->add_option("lock_id", opts->lock_id, "The lock id the refusal named")->required();
  cmd->add_flag("--force", opts->force,
                "Remove the lock even though its holder (an apply on this host) is still running; that apply then "
                "stops before its next wave");
  add_connection_flags(*cmd, opts->connection);
  cmd->callback([&global, &exit_code, opts] { exit_code = run_unlock(global, *opts); });
}

}  // namespace swarmform::cli
