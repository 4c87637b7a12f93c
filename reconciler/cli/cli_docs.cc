#include "reconciler/cli/cli_docs.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string_view>

#include "reconciler/cli/options.h"

namespace swarmform::cli {
namespace {

/// The first long name ("--out"), else the short one ("-C"), else the
/// positional's name ("planfile").
std::string main_name(const CLI::Option& o) {
  if (!o.get_lnames().empty()) return "--" + o.get_lnames().front();
  if (!o.get_snames().empty()) return "-" + o.get_snames().front();
  return o.get_name();
}

/// Every name the option answers to on the command line: -C, --dir.
std::vector<std::string> switch_names(const CLI::Option& o) {
  std::vector<std::string> names;
  for (const auto& s : o.get_snames()) names.push_back("-" + s);
  for (const auto& l : o.get_lnames()) names.push_back("--" + l);
  return names;
}

/// Not a flag: a flag expects no value (CLI11's expected(0)).
bool takes_value(const CLI::Option& o) { return o.get_expected_max() > 0 && o.get_type_size_max() > 0; }

/// What a user sees: not hidden (group ""), not --help (the page says it once).
std::vector<const CLI::Option*> visible_options(const CLI::App& app, bool with_help) {
  const CLI::Option* help = app.get_help_ptr();
  return app.get_options([&](const CLI::Option* o) {
    return !o->get_group().empty() && (with_help || o != help);
  });
}

/// "TEXT" of "TEXT:{text,json}", "INT" of "INT:INT in [1 - 3600]".
std::string value_placeholder(const CLI::Option& o) {
  std::string type = o.get_type_name();
  type = type.substr(0, type.find(':'));
  if (value_kind(o) == ValueKind::file) return "FILE";
  if (value_kind(o) == ValueKind::directory) return "DIR";
  if (value_kind(o) == ValueKind::service) return "SERVICE";
  if (value_kind(o) == ValueKind::git_ref) return "REF";
  return type.empty() ? "VALUE" : type;
}

// --- roff -------------------------------------------------------------------

/// Text for roff: backslashes and hyphens escaped, a line never starting with
/// a control character, non-ASCII as \[uXXXX], `code` in bold.
std::string roff(std::string_view text) {
  std::string out;
  bool in_code = false;
  bool line_start = true;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    line_start = false;
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else if (c == '`') {
      out += in_code ? "\\fR" : "\\fB";
      in_code = !in_code;
    } else if (c == '\n') {
      out += "\n.br\n";
      line_start = true;
    } else if (c >= 0x80) {
      // A UTF-8 sequence: its code point as groff's \[uXXXX].
      const int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
      uint32_t cp = c & (0x3F >> extra);
      for (int k = 0; k < extra && i + 1 < text.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[++i]) & 0x3F);
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\[u%04X]", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (in_code) out += "\\fR";
  return out;
}

/// A per-user default the build machine's $HOME put into a description
/// ("default: /root/.cache/swarmform/repos") is the reader's ~ in the page.
std::string without_build_home(std::string text) {
  const char* home = std::getenv("HOME");
  if (home == nullptr || std::string_view(home).size() < 2) return text;
  const std::string prefix = std::string(home) + "/";
  for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 2)) {
    text.replace(at, prefix.size(), "~/");
  }
  return text;
}

/// One option as a .TP entry: its names, its value, then what it does, its
/// allowed values, its default and its environment variable.
void man_option(std::ostringstream& out, const CLI::Option& o) {
  out << ".TP\n";
  std::string names;
  if (o.get_positional()) {
    names = "\\fI" + roff(o.get_name()) + "\\fR";
  } else {
    for (const auto& n : switch_names(o)) names += (names.empty() ? "" : ", ") + ("\\fB" + roff(n) + "\\fR");
    if (takes_value(o)) names += " \\fI" + roff(value_placeholder(o)) + "\\fR";
  }
  out << names << "\n";
  std::string text = without_build_home(o.get_description());
  if (!text.empty() && text.back() != '.') text += ".";
  if (auto values = choices(o); !values.empty()) {
    std::string list;
    for (const auto& v : values) list += (list.empty() ? "" : ", ") + v;
    text += " One of: " + list + ".";
  }
  if (const std::string d = o.get_default_str(); !d.empty() && takes_value(o)) {
    text += " Default: " + d + (d.ends_with('.') ? "" : ".");
  }
  if (o.get_positional() && o.get_required()) text += " Required.";
  if (o.get_items_expected_max() > 1 && !o.get_positional()) text += " May be given more than once.";
  if (!o.get_envname().empty()) text += " Also read from $" + o.get_envname() + ".";
  out << roff(text) << "\n";
}

/// "swarmform: declarative GitOps reconciler for Docker Swarm." -> its
/// part after the name, without the full stop, for NAME.
std::string one_line_summary(const std::string& description) {
  std::string first = description.substr(0, description.find('\n'));
  if (first.starts_with("swarmform: ")) first = first.substr(11);
  if (!first.empty() && first.back() == '.') first.pop_back();
  return first;
}

// --- bash -------------------------------------------------------------------

/// Words joined by `sep`.
std::string joined(const std::vector<std::string>& words, const std::string& sep) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : sep) + w;
  return out;
}

const char* kind_word(ValueKind kind) {
  switch (kind) {
    case ValueKind::none: return "none";
    case ValueKind::file: return "file";
    case ValueKind::directory: return "directory";
    case ValueKind::service: return "service";
    case ValueKind::git_ref: return "ref";
    case ValueKind::choice: return "choice";
  }
  return "none";
}

/// case arms `"cmd/--name") echo KIND;;` for every value option of `cmd`
/// (cmd "" is the top level).
void bash_value_arms(std::ostringstream& out, const std::string& cmd, const std::vector<const CLI::Option*>& options) {
  for (const CLI::Option* o : options) {
    if (o->get_positional() || !takes_value(*o)) continue;
    std::vector<std::string> patterns;
    for (const auto& n : switch_names(*o)) patterns.push_back(cmd + "/" + n);
    const ValueKind kind = value_kind(*o);
    out << "    " << joined(patterns, "|") << ") echo '" << kind_word(kind);
    if (kind == ValueKind::choice) out << " " << joined(choices(*o), " ");
    out << "' ;;\n";
  }
}

}  // namespace

ValueKind value_kind(const CLI::Option& option) {
  if (!option.get_positional() && !takes_value(option)) return ValueKind::none;
  if (!choices(option).empty()) return ValueKind::choice;
  const std::string name = main_name(option);
  static const std::set<std::string> directories{"--dir", "--cache-dir"};
  static const std::set<std::string> services{"--target", "--keep"};
  static const std::set<std::string> refs{"--ref", "--base"};
  // Values nothing can suggest: durations, numbers, URLs, lock ids.
  static const std::set<std::string> nothing{"--interval",      "--timeout",       "--window", "--usage-window",
                                             "--since",         "--retain",        "--notify", "--notify-timeout",
                                             "--parallelism",   "--connect-timeout", "lock_id",
                                             "--what-if",       "--min-span",      "--min-windows", "--target-utilization"};
  if (directories.contains(name)) return ValueKind::directory;
  if (services.contains(name)) return ValueKind::service;
  if (refs.contains(name)) return ValueKind::git_ref;
  if (nothing.contains(name)) return ValueKind::none;
  if (option.get_type_name().starts_with("INT") || option.get_type_name().starts_with("UINT") ||
      option.get_type_name().starts_with("FLOAT")) {
    return ValueKind::none;
  }
  return ValueKind::file;
}

std::vector<std::string> choices(const CLI::Option& option) {
  const std::string type = option.get_type_name();
  const size_t open = type.find(":{");
  const size_t close = type.find('}', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return {};
  std::vector<std::string> values;
  std::istringstream list(type.substr(open + 2, close - open - 2));
  for (std::string v; std::getline(list, v, ',');) {
    if (!v.empty()) values.push_back(v);
  }
  return values;
}

std::vector<CLI::App*> visible_commands(CLI::App& app) {
  return app.get_subcommands([](CLI::App* c) { return !c->get_group().empty(); });
}

std::string man_page(CLI::App& app, const std::string& version) {
  std::ostringstream out;
  out << ".\\\" Generated by `swarmform __man` from the command line's definitions: do not edit.\n";
  out << ".TH SWARMFORM 1 \"\" \"" << roff(version) << "\" \"User Commands\"\n";
  out << ".SH NAME\nswarmform \\- " << roff(one_line_summary(app.get_description())) << "\n";
  out << ".SH SYNOPSIS\n.B swarmform\n[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n";
  out << ".br\n.B swarmform\n\\fB\\-\\-version\\fR | \\fB\\-\\-help\\fR | \\fICOMMAND\\fR \\fB\\-\\-help\\fR\n";
  out << ".SH DESCRIPTION\n" << roff(app.get_description()) << "\n";
  out << ".PP\nGlobal options may come before or after the command name.\n";
  out << ".SH GLOBAL OPTIONS\n";
  for (const CLI::Option* o : visible_options(app, true)) man_option(out, *o);
  out << ".SH COMMANDS\n";
  std::vector<std::string> names;
  for (CLI::App* cmd : visible_commands(app)) names.push_back("\\fB" + roff(cmd->get_name()) + "\\fR");
  out << joined(names, ", ") << ".\n";
  for (CLI::App* cmd : visible_commands(app)) {
    out << ".SS \"swarmform " << roff(cmd->get_name()) << "\"\n";
    std::string usage = "\\fBswarmform " + roff(cmd->get_name()) + "\\fR [\\fIOPTIONS\\fR]";
    std::vector<const CLI::Option*> positionals;
    std::vector<const CLI::Option*> switches;
    for (const CLI::Option* o : visible_options(*cmd, false)) (o->get_positional() ? positionals : switches).push_back(o);
    for (const CLI::Option* o : positionals) {
      const std::string p = "\\fI" + roff(o->get_name()) + "\\fR";
      usage += " " + (o->get_required() ? p : "[" + p + "]");
    }
    out << usage << "\n.PP\n" << roff(without_build_home(cmd->get_description())) << "\n";
    for (const CLI::Option* o : positionals) man_option(out, *o);
    for (const CLI::Option* o : switches) man_option(out, *o);
  }
  out << ".SH EXIT STATUS\n";
  out << ".TP\n.B " << kExitOk << "\nSuccess; for \\fBplan \\-\\-detailed\\-exitcode\\fR and \\fBdrift\\fR: no changes.\n";
  out << ".TP\n.B " << kExitError << "\nAn error (invalid desired state, unreachable host, refused apply).\n";
  out << ".TP\n.B " << kExitChanges
      << "\nSuccess with changes: \\fBplan \\-\\-detailed\\-exitcode\\fR has changes, \\fBdrift\\fR found drift.\n";
  out << ".SH ENVIRONMENT\n.TP\n.B NO_COLOR\nAny value: no colour in output, as \\fB\\-\\-no\\-color\\fR.\n";
  std::set<std::string> env;
  for (CLI::App* cmd : visible_commands(app)) {
    for (const CLI::Option* o : visible_options(*cmd, false)) {
      if (!o->get_envname().empty() && env.insert(o->get_envname()).second) {
        out << ".TP\n.B " << roff(o->get_envname()) << "\n" << roff(main_name(*o)) << " of the commands that take it.\n";
      }
    }
  }
  out << ".SH FILES\n.TP\n.I /usr/share/swarmform/schemas/\nJSON Schemas of the desired state and of the JSON "
         "outputs, for editors and CI.\n";
  out << ".TP\n.I /usr/share/doc/swarmform/examples/\nExample desired states, CI pipelines and systemd units.\n";
  out << ".SH SEE ALSO\n\\fBdocker\\fR(1), \\fBgit\\fR(1), \\fBssh\\fR(1), \\fBsystemd.timer\\fR(5)\n";
  return out.str();
}

std::string bash_completion(CLI::App& app) {
  std::vector<std::string> commands;
  for (CLI::App* cmd : visible_commands(app)) commands.push_back(cmd->get_name());
  std::vector<std::string> global_switches;
  for (const CLI::Option* o : visible_options(app, true)) {
    for (const auto& n : switch_names(*o)) global_switches.push_back(n);
  }

  std::ostringstream out;
  out << "# bash completion for swarmform.  Generated by `swarmform __bash-completion` from the\n"
         "# command line's own definitions: do not edit.\n\n";
  // The kind of the value an option takes in a command ("" top level).
  out << "_swarmform_value_kind() {\n  case \"$1/$2\" in\n";
  bash_value_arms(out, "", visible_options(app, true));
  for (CLI::App* cmd : visible_commands(app)) {
    // Global options may follow the command name (fallthrough).
    bash_value_arms(out, cmd->get_name(), visible_options(app, true));
    bash_value_arms(out, cmd->get_name(), visible_options(*cmd, false));
  }
  out << "    *) return 1 ;;\n  esac\n}\n\n";
  // A command's own switches and what its positional argument is.
  out << "_swarmform_switches() {\n  case \"$1\" in\n";
  for (CLI::App* cmd : visible_commands(app)) {
    std::vector<std::string> names{"--help"};
    for (const CLI::Option* o : visible_options(*cmd, false)) {
      for (const auto& n : switch_names(*o)) names.push_back(n);
    }
    out << "    " << cmd->get_name() << ") echo '" << joined(names, " ") << "' ;;\n";
  }
  out << "  esac\n}\n\n";
  out << "_swarmform_positional_kind() {\n  case \"$1\" in\n";
  for (CLI::App* cmd : visible_commands(app)) {
    for (const CLI::Option* o : visible_options(*cmd, false)) {
      if (o->get_positional()) {
        out << "    " << cmd->get_name() << ") echo '" << kind_word(value_kind(*o)) << "' ;;\n";
        break;
      }
    }
  }
  out << "    *) echo none ;;\n  esac\n}\n\n";
  out << R"BASH(_swarmform() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev="" cmd="" dir=. i w kind
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}
  # --opt=VALUE: bash splits it at '=' (COMP_WORDBREAKS).
  if [[ $cur == = ]]; then cur=""; elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then prev=${COMP_WORDS[COMP_CWORD-2]}; fi
  # The command, and -C DIR (for --target and --ref), from the words before
  # the cursor; the value of an option is never taken for a command.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [[ $w == -* ]] && _swarmform_value_kind "$cmd" "$w" >/dev/null; then
      if [[ ${COMP_WORDS[i+1]} == = ]]; then ((i++)); fi
      if ((i + 1 < COMP_CWORD)) && [[ $w == -C || $w == --dir ]]; then dir=${COMP_WORDS[i+1]}; fi
      ((i++))
    elif [[ -z $cmd && $w != -* ]]; then
      cmd=$w
    fi
  done
  dir=${dir/#\~/$HOME}
  COMPREPLY=()
  if [[ $prev == -* ]] && kind=$(_swarmform_value_kind "$cmd" "$prev"); then
    _swarmform_complete_value $kind
    return 0
  fi
  if [[ $cur == -* ]]; then
    if [[ -z $cmd ]]; then
      COMPREPLY=($(compgen -W ')BASH"
      << joined(global_switches, " ") << R"BASH(' -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$(_swarmform_switches "$cmd") )BASH"
      << joined(global_switches, " ") << R"BASH(" -- "$cur"))
    fi
  elif [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W ')BASH"
      << joined(commands, " ") << R"BASH(' -- "$cur"))
  else
    _swarmform_complete_value $(_swarmform_positional_kind "$cmd")
  fi
  return 0
}

# Fills COMPREPLY for the value of kind $1 (choice: the choices follow).
_swarmform_complete_value() {
  local IFS=$'\n'
  case "$1" in
    file)
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -f -- "$cur")) ;;
    directory)
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -d -- "$cur")) ;;
    service)
      COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" __complete-services -C "$dir" 2>/dev/null)" -- "$cur")) ;;
    ref)
      COMPREPLY=($(compgen -W "$(git -C "$dir" for-each-ref --format='%(refname:short)' 2>/dev/null; echo HEAD)" -- "$cur")) ;;
    choice)
      shift
      COMPREPLY=($(compgen -W "$*" -- "$cur")) ;;
  esac
}

complete -F _swarmform swarmform
)BASH";
  return out.str();
}

}  // namespace swarmform::cli
