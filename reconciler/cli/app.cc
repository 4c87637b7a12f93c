#include "reconciler/cli/app.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "reconciler/cli/build_info.h"
#include "reconciler/cli/commands.h"
#include "reconciler/cli/options.h"

namespace swarmform::cli {

int run(int argc, char** argv) {
  CLI::App app{"swarmform: declarative GitOps reconciler for Docker Swarm.\n"
               "Desired state (YAML in git) -> plan against the live swarm (over SSH) -> apply."};
  app.set_version_flag("--version", version_line());
  app.require_subcommand(1);
  app.fallthrough();  // global options (-C, --no-color, -v) may follow the command name
  GlobalOptions global;
  app.add_option("-C,--dir", global.dir, "Desired-state directory")->capture_default_str();
  app.add_flag("--no-color", global.no_color, "No colour in output (also: NO_COLOR=1)");
  app.add_flag("-v,--verbose", global.verbosity, "More logging on stderr (-vv: trace)");

  int exit_code = kExitOk;
  // The command table: each entry registers one subcommand and its handler.
  using Adder = void (*)(CLI::App&, const GlobalOptions&, int&);
  for (Adder add : {Adder{add_validate_command}, Adder{add_state_command}, Adder{add_import_command}, Adder{add_usage_command},
                    Adder{add_advise_command},
                    Adder{add_plan_command},
                    Adder{add_show_command}, Adder{add_apply_command}, Adder{add_unlock_command},
                    Adder{add_drift_command}, Adder{add_agent_command}}) {
    add(app, global, exit_code);
  }
  add_docs_commands(app, global, exit_code);

  auto logger = spdlog::stderr_color_mt("swarmform");
  logger->set_pattern("swarmform: %l: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::warn);
  app.parse_complete_callback([&global] {
    if (global.verbosity >= 2) spdlog::set_level(spdlog::level::trace);
    else if (global.verbosity == 1) spdlog::set_level(spdlog::level::debug);
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitError;
  }
  return exit_code;
}

}  // namespace swarmform::cli
