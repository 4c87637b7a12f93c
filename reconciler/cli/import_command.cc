// `swarmform import`: write the desired state of the swarm that runs (the
// hosts' capacity and node, one entry per undeclared service), and with
// --update adopt live values of drifted services back into the YAML.  The
// decisions are pure functions in adopt/; this file reads, asks and writes.

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <iostream>
#include <map>
#include <optional>

#include "reconciler/adopt/import_mapping.h"
#include "reconciler/adopt/import_yaml.h"
#include "reconciler/adopt/update_edits.h"
#include "reconciler/cli/commands.h"
#include "reconciler/cli/desired_input.h"
#include "reconciler/cli/desired_writes.h"
#include "reconciler/cli/dokploy_step.h"
#include "reconciler/cli/engine_connection.h"
#include "reconciler/config/suggest.h"
#include "reconciler/config/yaml_edit.h"
#include "reconciler/engine/live_reader.h"
#include "reconciler/model/quantity.h"
#include "reconciler/plan/wording.h"
#include "reconciler/render/style.h"
#include "reconciler/util/file.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::cli {
namespace {

namespace fs = std::filesystem;

/// Where the JSON Schema is installed, for a file that has no neighbour
/// to copy the modeline from.
constexpr const char* kDefaultModeline =
    "# yaml-language-server: $schema=/usr/share/swarmform/schemas/desired-state.schema.json";
constexpr const char* kModelinePrefix = "# yaml-language-server: $schema=";

struct ImportOptions {
  std::string out;
  bool force = false;
  bool dry_run = false;
  bool update = false;
  bool allow_dirty = false;
  bool from_dokploy = false;  ///< --from-dokploy: Dokploy's stored values where they differ from the live ones
  std::vector<std::string> targets;
  ConnectionOptions connection;
};

/// The folder holding `path` (a new file's too), absolute and canonical.
fs::path folder_of(const std::string& path) {
  std::error_code ec;
  fs::path dir = fs::absolute(path, ec).parent_path();
  fs::path canonical = fs::weakly_canonical(dir, ec);
  return ec ? dir.lexically_normal() : canonical;
}

/// Whether the loader reads `path` as part of the desired state in `dir`:
/// a *.yaml or *.yml file, not hidden, directly in that folder.
bool read_as_desired_state(const std::string& path, const std::string& dir) {
  const fs::path p(path);
  const std::string ext = p.extension().string();
  return (ext == ".yaml" || ext == ".yml") && !p.filename().string().starts_with(".") &&
         folder_of(path) == folder_of((fs::path(dir) / "x").string());
}

/// The schema modeline of the desired-state files beside `path`, else the
/// installed schema's.
std::string modeline_for(const DesiredInput& in, const std::string& path) {
  for (const auto& f : in.files) {
    if (folder_of(f.name) != folder_of(path)) continue;
    if (f.content.starts_with(kModelinePrefix)) return f.content.substr(0, f.content.find('\n'));
  }
  return kDefaultModeline;
}

std::string today_utc() { return utc_now_rfc3339().substr(0, 10); }

/// The new service entries into `path`: a new file, or appended to the
/// desired-state file there (nothing in it replaced).  Another file there
/// is replaced only with --force.
Result<void> add_services(const DesiredInput& in, const adopt::ImportResult& result, const ImportOptions& opts,
                          const std::string& path, const adopt::FileHeader& header, Writes& writes) {
  if (result.services.empty()) return {};
  const model::SourceFile* existing = desired_file(in, path);
  if (existing) {
    // Keyed by the name the file was read as, which its hosts' edits use too.
    std::string& text = writes.at(existing->name, existing->content);
    SF_TRY_ASSIGN(auto editor, config::YamlEditor::open(path, text));
    if (auto appended = editor.append_entries({"services"}, adopt::service_entries(result.services, 0)); !appended) {
      return fail(appended.error().message + "; or write the new entries to another file with --out FILE");
    }
    text = editor.text();
    return {};
  }
  struct stat st {};
  const bool exists = ::lstat(path.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {
    const std::string what = S_ISDIR(st.st_mode)    ? "a directory"
                             : S_ISLNK(st.st_mode)  ? "a symlink"
                             : S_ISCHR(st.st_mode)  ? "a character device"
                             : S_ISFIFO(st.st_mode) ? "a FIFO"
                                                    : "not a regular file";
    return fail("cannot write " + path + ": it is " + what +
                "; import writes its entries to a regular file or a new path: --out another file");
  }
  if (exists && !opts.force) {
    return fail(path + " exists and is not a desired-state file of " + (in.files.empty() ? "-C" : "this folder") +
                ": import never replaces it; pass --force to replace it, or --out another file");
  }
  writes.at(path, "") = adopt::services_file(result.services, header);
  return {};
}

std::string key_text(const transport::VerifiedHostKey& key) {
  return key.type + " " + key.fingerprint +
         (key.recorded ? " — new, recorded in known_hosts: check it out of band (ssh-keygen -lf on the host)"
                       : " (known)");
}

using HostKeyChecks = std::vector<std::pair<const model::Host*, std::future<Result<transport::VerifiedHostKey>>>>;

/// Starts checking the host keys of the hosts other than the manager, so that
/// the commands that reach every host find them: one connection per host,
/// concurrently with each other and with the manager's connection and the
/// read of the swarm.  New keys are refused here, so nothing is recorded
/// before the swarm has been read (report_host_keys records them after).
HostKeyChecks check_other_host_keys(const model::DesiredState& desired, const ConnectionOptions& connection) {
  HostKeyChecks checks;
  if (connection.local) return checks;
  ConnectionOptions known_only = connection;
  known_only.accept_new_host_keys = false;
  for (const auto& [name, host] : desired.hosts) {
    if (name == desired.manager) continue;
    checks.emplace_back(&host, std::async(std::launch::async, [&desired, &host, known_only] {
                          return check_host_key(desired, host, known_only);
                        }));
  }
  return checks;
}

/// Prints each checked key, once the swarm has been read; with
/// --accept-new-host-keys, a host whose key was refused is checked again and
/// its new key recorded (a changed key is still refused).  A host that could
/// not be reached is a note: import itself needs only the manager.
void report_host_keys(HostKeyChecks& checks, const model::DesiredState& desired, const ConnectionOptions& connection,
                      std::vector<std::string>& notes) {
  for (auto& [host, check] : checks) {
    Result<transport::VerifiedHostKey> key = check.get();
    if (!key && key.error().kind == ErrorKind::refused && connection.accept_new_host_keys) {
      key = check_host_key(desired, *host, connection);
    }
    if (key) {
      std::cout << "Host key of " << host->name << " (" << host->ssh.address << ":" << host->ssh.port
                << "): " << key_text(*key) << "\n";
    } else {
      notes.push_back("could not check the host key of " + host->name + ": " + key.error().message);
    }
  }
}

int run_import(const GlobalOptions& global, const ImportOptions& opts) {
  render::Style err = render::style_for(STDERR_FILENO, global.no_color);
  auto fail_with = [&](const std::string& message) {
    std::cerr << err.red("swarmform: error: " + message) << "\n";
    return kExitError;
  };
  DesiredInput in = read_desired(global.dir, SourceOptions{}, CheckBudgets::no, MissingCapacity::allowed);
  print_diagnostics(in.loaded.diagnostics, global.no_color);
  if (!in.loaded.state) return kExitError;
  const model::DesiredState& desired = *in.loaded.state;
  if (opts.update && !in.uncommitted.empty() && !opts.allow_dirty) {
    return fail_with("the desired state has uncommitted changes (" + plan::join(in.uncommitted) +
                     "): commit or stash them first, so the adopted values are a change of their own, or pass "
                     "--allow-dirty");
  }

  for (const auto& t : opts.targets) {
    if (desired.services.contains(t)) continue;
    std::vector<std::string> names;
    for (const auto& [name, s] : desired.services) names.push_back(name);
    return fail_with("--target " + t + " names no declared service" + config::did_you_mean(t, names));
  }

  HostKeyChecks other_keys = check_other_host_keys(desired, opts.connection);
  transport::VerifiedHostKey key;
  auto client = connect_to_manager(desired, opts.connection, &key);
  if (!client) return fail_with(client.error().message);
  std::vector<std::string> notes;
  if (!key.fingerprint.empty()) {  // --local: no SSH
    std::cout << "Host key of " << desired.manager << " (" << desired.hosts.at(desired.manager).ssh.address << ":"
              << desired.hosts.at(desired.manager).ssh.port << "): " << key_text(key) << "\n";
  }
  auto live = engine::read_live_state(*client);
  if (!live) return fail_with(live.error().message);
  report_host_keys(other_keys, desired, opts.connection, notes);

  Writes writes;
  std::vector<std::string> summary;
  bool not_adopted = false;  // --update: a difference only a note could say
  bool out_read = true;      // the new entries go where plan reads them
  std::vector<adopt::ValueEdit> edits;
  adopt::ImportResult result;
  if (opts.update) {
    adopt::UpdateResult update = adopt::update_edits(desired, *live, opts.targets);
    not_adopted = !update.notes.empty();
    notes.insert(notes.end(), update.notes.begin(), update.notes.end());
    edits = std::move(update.edits);
  } else {
    result = adopt::import_state(desired, *live);
    notes.insert(notes.end(), result.notes.begin(), result.notes.end());
    auto dokploy = read_dokploy(desired, opts.connection);
    if (!dokploy) return fail_with(dokploy.error().message);
    if (*dokploy) {
      auto said = mark_dokploy_managed(result, **dokploy, opts.from_dokploy);
      notes.insert(notes.end(), said.begin(), said.end());
    } else if (opts.from_dokploy) {
      return fail_with("--from-dokploy needs integrations.dokploy in the desired state");
    }
    for (const auto& fill : result.hosts) {
      for (auto& e : adopt::host_fill_edits(desired, fill)) edits.push_back(std::move(e));
    }
  }
  for (const auto& e : edits) {
    if (!e.what.empty()) summary.push_back(e.what + " (" + e.file + ")");
  }
  if (auto made = make_edits(in, global.dir, edits, writes); !made) {
    return fail_with(made.error().message +
                     (opts.update ? "; nothing was written: make that change by hand (or leave the service out "
                                    "with --target), then run import --update again"
                                  : "; nothing was written"));
  }
  if (!opts.update) {
    const std::string path = opts.out.empty() ? (fs::path(global.dir) / "services.yaml").string() : opts.out;
    adopt::FileHeader header{modeline_for(in, path), today_utc(), desired.manager, live->engine_version};
    if (auto added = add_services(in, result, opts, path, header, writes); !added) return fail_with(added.error().message);
    if (!result.services.empty() && !desired_file(in, path) && !read_as_desired_state(path, global.dir)) {
      out_read = false;
      notes.push_back(path + " is not read by `swarmform plan -C " + global.dir +
                      "` (it reads the *.yaml and *.yml files in that folder): move the entries into one of them "
                      "to manage these services");
    }
    for (const auto& s : result.services) {
      summary.push_back("service " + s.key + (s.key != s.live_name ? " (" + s.live_name + ")" : "") + " (" + path + ")");
    }
    std::cout << "Read the swarm through " << desired.manager << ": " << live->nodes.size() << " nodes, "
              << live->services.size() << " services (" << result.already_declared << " already declared).\n";
  }

  for (const auto& n : notes) std::cerr << err.yellow("swarmform: note: " + printable(n)) << "\n";
  if (writes.order.empty()) {
    std::cout << (opts.update ? (not_adopted ? "Nothing adopted: what differs cannot be written as a value (see the "
                                               "notes above).\n"
                                             : "Nothing to adopt: every declared value matches the swarm.\n")
                              : "Nothing to import: the desired state declares every live service and host.\n");
    return kExitOk;
  }
  std::cout << (opts.dry_run ? "Would write:\n" : "Writing:\n");
  for (const auto& line : summary) std::cout << "  + " << printable(line) << "\n";
  if (opts.dry_run) {
    for (const auto& path : writes.order) {
      std::cout << "\n--- " << path << " (as it would be written) ---\n" << writes.content.at(path);
    }
    return kExitOk;
  }
  if (auto written = write_all(writes); !written) return fail_with(written.error().message);
  if (!out_read) {
    std::cout << "\nNext: move the new entries into a desired-state file of " << global.dir
              << "; then `swarmform plan -C " << global.dir << "` should show no changes.\n";
    return kExitOk;
  }
  std::cout << "\nNext: `swarmform plan -C " << global.dir << "` should show no changes"
            << (opts.update ? "" : "; `swarmform validate -C " + global.dir + "` shows the budgets as they are")
            << "; then review with `git diff` and commit.\n";
  return kExitOk;
}

}  // namespace

void add_import_command(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<ImportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "import",
      "Write the desired state of the swarm that runs: each host's missing capacity and node, and one entry per "
      "live service the desired state does not declare (into services.yaml); with --update, set the declared "
      "values of drifted services to their live values");
  cmd->add_option("--out", opts->out,
                  "Write new service entries to FILE (default: services.yaml in -C); appended to a desired-state "
                  "file, never replacing another file without --force");
  cmd->add_flag("--force", opts->force, "Replace --out FILE when it exists and is not a desired-state file");
  cmd->add_flag("--dry-run", opts->dry_run, "Print what would be written; write nothing");
  cmd->add_flag("--update", opts->update,
                "Adopt live values into the YAML: only the values of drifted services change, in place");
  cmd->add_option("--target", opts->targets, "With --update: only this service (repeatable)");
  cmd->add_flag("--allow-dirty", opts->allow_dirty, "With --update: edit files that have uncommitted changes");
  cmd->add_flag("--from-dokploy", opts->from_dokploy,
                "Where Dokploy (integrations.dokploy) stores other replicas, limits or reservations than the swarm "
                "runs, write Dokploy's (each one said)");
  add_connection_flags(*cmd, opts->connection);
  cmd->callback([&global, &exit_code, opts] {
    if (!opts->update && (!opts->targets.empty() || opts->allow_dirty)) {
      std::cerr << "swarmform: error: --target and --allow-dirty go with --update\n";
      exit_code = kExitError;
      return;
    }
    if (opts->out == "-") {
      std::cerr << "swarmform: error: --out -: import writes files, not standard output; --dry-run prints what "
                   "it would write\n";
      exit_code = kExitError;
      return;
    }
    if (opts->update && (!opts->out.empty() || opts->force)) {
      std::cerr << "swarmform: error: --update edits the files that declare each service: --out and --force "
                   "go without it\n";
      exit_code = kExitError;
      return;
    }
    exit_code = run_import(global, *opts);
  });
}

}  // namespace swarmform::cli
