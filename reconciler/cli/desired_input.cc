#include "reconciler/cli/desired_input.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "reconciler/config/budget.h"
#include "reconciler/render/style.h"
#include "reconciler/source/directory_source.h"
#include "reconciler/util/file.h"

namespace swarmform::cli {
namespace {

/// Loads `files` into `in` (read from `base_dir` for relative paths in them).
void load_files(DesiredInput& in, std::vector<model::SourceFile> files, const std::string& base_dir,
                CheckBudgets budgets, MissingCapacity missing) {
  in.files = std::move(files);
  config::LoadOptions options;
  options.base_dir = base_dir;
  options.capacity_optional = missing == MissingCapacity::allowed;
  if (const char* home = std::getenv("HOME")) options.home = home;
  in.loaded = config::load_desired_state(in.files, options);
  if (in.loaded.state) {
    in.loads = model::desired_host_loads(*in.loaded.state);
    if (budgets == CheckBudgets::yes) config::check_budgets(*in.loaded.state, in.loads, in.loaded.diagnostics);
  }
}

DesiredInput from_snapshot(Result<source::GitSnapshot> snapshot, const std::string& base_dir, CheckBudgets budgets,
                           MissingCapacity missing = MissingCapacity::error) {
  DesiredInput in;
  if (!snapshot) {
    in.loaded.diagnostics.error({}, snapshot.error().message);
    in.source_error = snapshot.error();
    return in;
  }
  in.commit = snapshot->commit;
  in.ref = snapshot->ref;
  load_files(in, std::move(snapshot->files), base_dir, budgets, missing);
  return in;
}

/// The folder inside a --repo mirror: -C's value, "." by default.
std::string path_in_repo(const std::string& dir) { return dir.empty() ? "." : dir; }

/// Where files the desired state names by a relative path (its known_hosts)
/// are written out of a mirror, which has no work tree: beside the mirror,
/// so relative paths in the YAML resolve there.
std::string mirror_files_dir(const std::string& mirror, const std::string& dir) {
  std::string files = (std::filesystem::path(mirror + ".files") / path_in_repo(dir)).lexically_normal().string();
  while (files.size() > 1 && files.back() == '/') files.pop_back();
  return files;
}

/// --repo: the state's known_hosts, when the YAML names it by a relative
/// path, is the file committed beside the YAML (reviewed in git like the
/// rest): write it out of the commit so the SSH transport can read it.
void materialize_known_hosts(DesiredInput& in, const std::string& files_dir, const std::string& dir) {
  auto& known = in.loaded.state->known_hosts;
  if (!known || !known->starts_with(files_dir + "/")) return;
  const std::string relative = known->substr(files_dir.size() + 1);
  const std::string in_repo = (std::filesystem::path(path_in_repo(dir)) / relative).lexically_normal().generic_string();
  auto content = source::read_git_file(in.mirror, in.commit, in_repo);
  Result<void> written = content ? Result<void>{} : fail(content.error());
  if (content) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(*known).parent_path(), ec);
    written = write_file_atomically(*known, *content, kReadableFileMode);
  }
  if (!written) {
    in.loaded.diagnostics.error({}, "known_hosts: " + written.error().message);
    in.loaded.state.reset();
  }
}

Result<std::string> mirror_of(const SourceOptions& source) {
  std::string cache = source.cache_dir.empty() ? source::default_cache_dir() : source.cache_dir;
  return source::sync_remote(source.repo, cache, source.remote);
}

}  // namespace

void add_source_flags(CLI::App& cmd, SourceOptions& options, bool with_repo) {
  cmd.add_option("--ref", options.ref,
                 "Read the desired state from this git commit (branch, tag, sha, origin/main, HEAD~1), "
                 "straight from git objects; default: the working tree");
  if (!with_repo) return;
  cmd.add_option("--repo", options.repo,
                 "Clone or fetch this repository (path, file://, ssh://) into the cache and read --ref from it; "
                 "-C is then the folder inside it");
  cmd.add_option("--cache-dir", options.cache_dir, "Where --repo keeps its clones (default: " +
                                                       source::default_cache_dir() + ")");
}

DesiredInput read_desired(const std::string& dir, CheckBudgets budgets, MissingCapacity missing) {
  DesiredInput in;
  auto files = source::read_directory(dir);
  if (!files) {
    in.loaded.diagnostics.error({}, files.error().message);
    return in;
  }
  load_files(in, std::move(*files), dir, budgets, missing);
  return in;
}

DesiredInput read_desired(const std::string& dir, const SourceOptions& source, CheckBudgets budgets,
                          MissingCapacity missing) {
  if (!source.repo.empty()) {
    auto mirror = mirror_of(source);
    if (!mirror) return from_snapshot(fail(mirror.error()), dir, budgets);
    // Relative paths in the YAML resolve in a folder beside the mirror (it
    // has no work tree): known_hosts is written there out of the commit; an
    // identity must be given by an absolute or ~ path, or --identity.
    const std::string files_dir = mirror_files_dir(*mirror, dir);
    DesiredInput in = from_snapshot(
        source::read_remote_ref(*mirror, path_in_repo(dir), source.ref.empty() ? "HEAD" : source.ref), files_dir,
        budgets, missing);
    in.mirror = *mirror;
    if (in.loaded.state) materialize_known_hosts(in, files_dir, dir);
    return in;
  }
  if (!source.ref.empty()) return from_snapshot(source::read_git_ref(dir, source.ref), dir, budgets, missing);
  DesiredInput in = read_desired(dir, budgets, missing);
  if (in.files.empty() && !in.loaded.state) return in;  // the folder itself could not be read
  auto tree = source::working_tree_state(dir);
  if (!tree) {
    // Fail closed: what cannot be shown committed counts as uncommitted, so
    // apply refuses it without --allow-dirty.
    in.loaded.diagnostics.warning({}, "cannot tell which commit " + dir + " is at: " + tree.error().message +
                                          " (as another user, git wants: git config --global --add "
                                          "safe.directory <the checkout>)");
    in.uncommitted = {dir + " (git could not read its status)"};
  } else if (tree->in_repository) {
    in.commit = tree->commit;
    in.uncommitted = tree->uncommitted;
  }
  return in;
}

DesiredInput read_desired_at(const std::string& dir, const DesiredInput& head, const std::string& ref) {
  if (!head.mirror.empty()) {
    return from_snapshot(source::read_remote_ref(head.mirror, path_in_repo(dir), ref),
                         mirror_files_dir(head.mirror, dir), CheckBudgets::no);
  }
  return from_snapshot(source::read_git_ref(dir, ref), dir, CheckBudgets::no);
}

void print_diagnostics(const model::Diagnostics& diags, bool no_color) {
  render::Style style = render::style_for(STDERR_FILENO, no_color);
  for (const auto& d : diags.items()) {
    std::string line = model::format_diagnostic(d);
    std::cerr << (d.severity == model::Severity::error ? style.red(line) : style.yellow(line)) << "\n";
  }
}

}  // namespace swarmform::cli
