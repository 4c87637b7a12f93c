#pragma once
// The man page and the bash completion, generated from the command line's
// own definitions (the CLI11 app that parses it), so neither can drift from
// what swarmform accepts.  The build writes both with the hidden commands
// `swarmform __man FILE` and `swarmform __bash-completion FILE`
// (CMakeLists.txt); the package installs them.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace swarmform::cli {

/// What an option's value is, for the completion (and nothing else): the
/// one table of it is value_kind() in cli_docs.cc.
enum class ValueKind {
  none,       ///< no option value (a flag), or one nothing can suggest (a duration, a number, a URL, a lock id)
  file,       ///< a path (the default for a value option not named in the table)
  directory,  ///< -C, --cache-dir
  service,    ///< --target, --keep: the service names the desired state in -C declares
  git_ref,    ///< --ref, --base: the refs of the repository holding -C
  choice,     ///< one of a fixed set (a CLI::IsMember check): choices()
};

/// The kind of `option`'s value.
ValueKind value_kind(const CLI::Option& option);

/// The values a CLI::IsMember check allows ("{text,json}" in its type name);
/// empty when it has none.
std::vector<std::string> choices(const CLI::Option& option);

/// The commands a user sees (hidden ones, in the group "", left out), in the
/// order they were added.
std::vector<CLI::App*> visible_commands(CLI::App& app);

/// `swarmform.1`: roff for man(1), one page with a section per command.
/// `version` goes into the page's header.
std::string man_page(CLI::App& app, const std::string& version);

/// A bash completion script defining `_swarmform` and registering it for
/// `swarmform`.  It asks `swarmform __complete-services -C DIR` for
/// --target's names and `git for-each-ref` for --ref/--base.
std::string bash_completion(CLI::App& app);

}  // namespace swarmform::cli
