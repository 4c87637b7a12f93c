#pragma once
// One function per command: it registers its subcommand, flags and handler
// on the app.  The handler stores the process exit code in `exit_code`.

#include <CLI/CLI.hpp>

#include "reconciler/cli/options.h"

namespace swarmform::cli {

void add_validate_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_state_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_plan_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_show_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_apply_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_unlock_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_drift_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_agent_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_import_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_usage_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_advise_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
/// The hidden commands that write the man page and the completion, and list
/// service names for it (docs_command.cc); added last, after every command.
void add_docs_commands(CLI::App& app, const GlobalOptions& global, int& exit_code);

}  // namespace swarmform::cli
