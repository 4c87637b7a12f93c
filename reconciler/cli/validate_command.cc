#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "reconciler/cli/commands.h"
#include "reconciler/cli/desired_input.h"
#include "reconciler/config/budget.h"
#include "reconciler/model/capacity.h"
#include "reconciler/render/capacity_table.h"

namespace swarmform::cli {
namespace {

struct ValidateOptions {
  bool strict = false;
  std::string format = "text";
};

nlohmann::json diagnostics_json(const model::Diagnostics& diags) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : diags.items()) {
    out.push_back({{"severity", d.severity == model::Severity::error ? "error" : "warning"},
                   {"file", d.where.file},
                   {"line", d.where.line},
                   {"column", d.where.column},
                   {"message", d.message}});
  }
  return out;
}

int run_validate(const GlobalOptions& global, const ValidateOptions& opts) {
  DesiredInput in = read_desired(global.dir);
  const model::Diagnostics& diags = in.loaded.diagnostics;
  size_t errors = diags.count(model::Severity::error);
  size_t warnings = diags.count(model::Severity::warning);
  bool valid = errors == 0 && !(opts.strict && warnings > 0);

  if (opts.format == "json") {
    nlohmann::json hosts = nlohmann::json::array();
    for (const auto& l : in.loads) hosts.push_back(render::capacity_json(l));
    nlohmann::json out{{"valid", valid},
                       {"directory", global.dir},
                       {"errors", errors},
                       {"warnings", warnings},
                       {"hosts", hosts},
                       {"uncounted_services", in.loaded.state ? model::uncounted_services(*in.loaded.state)
                                                              : std::vector<std::string>{}},
                       {"diagnostics", diagnostics_json(diags)}};
    std::cout << out.dump(2) << "\n";
    return valid ? kExitOk : kExitError;
  }

  render::Style out_style = render::style_for(STDOUT_FILENO, global.no_color);
  if (in.loaded.state) {
    const auto& s = *in.loaded.state;
    std::cout << out_style.bold("Desired state " + global.dir) << ": " << s.files.size() << " files, "
              << s.hosts.size() << " hosts, " << s.services.size() << " services\n\n"
              << render::capacity_table(in.loads, out_style) << "\n";
    if (std::string note = config::uncounted_note(s); !note.empty()) std::cout << note << "\n\n";
  }
  print_diagnostics(diags, global.no_color);
  std::string counts = std::to_string(errors) + (errors == 1 ? " error, " : " errors, ") +
                       std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings");
  if (valid) {
    std::cout << out_style.green("Valid") << " (" << counts << ").\n";
  } else {
    std::cout << out_style.red("Invalid") << " (" << counts
              << (errors == 0 ? "; --strict fails on warnings" : "") << ").\n";
  }
  return valid ? kExitOk : kExitError;
}

}  // namespace

void add_validate_command(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "validate", "Check the desired state: schema, references and per-host capacity budgets (no server is contacted)");
  cmd->add_flag("--strict", opts->strict, "Fail on warnings too");
  cmd->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([&global, &exit_code, opts] { exit_code = run_validate(global, *opts); });
}

}  // namespace swarmform::cli
