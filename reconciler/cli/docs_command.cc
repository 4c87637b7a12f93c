// Hidden commands (group "": not in --help, the man page or the completion)
// for the build and the completion script:
//   swarmform __man FILE               the man page (cli_docs.h)
//   swarmform __bash-completion FILE   the bash completion script
//   swarmform __complete-services      the service names -C DIR declares, one a line

#include <iostream>

#include "reconciler/cli/build_info.h"
#include "reconciler/cli/cli_docs.h"
#include "reconciler/cli/commands.h"
#include "reconciler/cli/desired_input.h"
#include "reconciler/util/file.h"

namespace swarmform::cli {
namespace {

/// Writes `text` to `path` (replaced atomically, mode 0644).
int write_generated(const std::string& path, const std::string& text) {
  auto written = write_output_file(path, text, kReadableFileMode);
  if (!written) {
    std::cerr << "swarmform: error: " << written.error().message << "\n";
    return kExitError;
  }
  return kExitOk;
}

}  // namespace

void add_docs_commands(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto path = std::make_shared<std::string>();
  CLI::App* man = app.add_subcommand("__man", "Write the man page (roff) to FILE")->group("");
  man->add_option("file", *path, "Where to write it")->required();
  man->callback([&app, &exit_code, path] { exit_code = write_generated(*path, man_page(app, version_line())); });

  CLI::App* bash = app.add_subcommand("__bash-completion", "Write the bash completion script to FILE")->group("");
  bash->add_option("file", *path, "Where to write it")->required();
  bash->callback([&app, &exit_code, path] { exit_code = write_generated(*path, bash_completion(app)); });

  // For --target<TAB>: quiet and cheap; a desired state with errors lists nothing.
  CLI::App* services =
      app.add_subcommand("__complete-services", "Print the service names the desired state declares")->group("");
  services->callback([&global, &exit_code] {
    DesiredInput in = read_desired(global.dir, CheckBudgets::no);
    if (in.loaded.state) {
      for (const auto& [name, service] : in.loaded.state->services) std::cout << name << "\n";
    }
    exit_code = in.loaded.state ? kExitOk : kExitError;
  });
}

}  // namespace swarmform::cli
