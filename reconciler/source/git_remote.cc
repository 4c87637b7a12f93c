// sync_remote: a bare mirror of a remote in the cache, cloned once and then
// fetched incrementally.

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "reconciler/source/git_handles.h"
#include "reconciler/source/git_open.h"
#include "reconciler/source/git_remote_callbacks.h"
#include "reconciler/source/git_source.h"
#include "reconciler/source/git_url.h"
#include "reconciler/transport/tcp_connect.h"
#include "reconciler/util/unique_fd.h"

namespace swarmform::source {

namespace fs = std::filesystem;
using git::RemotePtr;
using git::RepositoryPtr;

namespace {

constexpr const char* kFetchSpec = "+refs/heads/*:refs/remotes/origin/*";

/// How long a sync waits for another process's sync of the same mirror.
constexpr auto kLockWait = std::chrono::minutes(10);

/// Holds an exclusive flock on `path` (created if missing) until destroyed.
/// Waits while another process holds it, up to kLockWait: a sync stuck on a
/// stalled server must not stall every later cron run or agent cycle too.
Result<UniqueFd> lock_exclusive(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid()) return fail("cannot open the lock file " + path + ": " + std::strerror(errno));
  const auto deadline = std::chrono::steady_clock::now() + kLockWait;
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) return fail("cannot lock " + path + ": " + std::strerror(errno));
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail("another swarmform has been syncing this mirror for 10 minutes (" + path +
                      " is locked); if none is running, its server may have stalled: stop it and try again",
                  ErrorKind::timeout);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return fd;
}

/// The mirror at `path`, made (bare, with an origin fetching every branch
/// into refs/remotes/origin/*) when it does not exist yet.
Result<RepositoryPtr> open_or_init_mirror(const std::string& path) {
  SF_TRY_ASSIGN(std::optional<RepositoryPtr> existing,
                git::open_repository(path, /*search_upwards=*/false));
  if (existing) return std::move(*existing);
  std::error_code ec;
  if (fs::exists(path, ec) && !fs::is_empty(path, ec)) {
    return fail("the cache folder " + path +
                " exists but is not a git repository: remove it and swarmform makes it again");
  }
  git_repository_init_options options;
  git_repository_init_options_init(&options, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
  options.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
  git_repository* raw = nullptr;
  if (git_repository_init_ext(&raw, path.c_str(), &options) < 0) {
    return fail("cannot create the mirror " + path + ": " + git::last_error());
  }
  return RepositoryPtr(raw);
}

/// The mirror's "origin", created or pointed at `url`.
Result<RemotePtr> origin_remote(git_repository* repo, const std::string& url,
                                const std::string& mirror) {
  git_remote* raw = nullptr;
  int rc = git_remote_lookup(&raw, repo, "origin");
  RemotePtr remote(raw);
  if (rc == GIT_ENOTFOUND) {
    rc = git_remote_create_with_fetchspec(&raw, repo, "origin", url.c_str(), kFetchSpec);
    if (rc < 0)
      return fail("cannot add origin " + url + " to " + mirror + ": " + git::last_error());
    return RemotePtr(raw);
  }
  if (rc < 0) return fail("cannot read the origin of " + mirror + ": " + git::last_error());
  const char* current = git_remote_url(remote.get());
  if (current != nullptr && url == current) return remote;
  if (git_remote_set_url(repo, "origin", url.c_str()) < 0 ||
      git_remote_lookup(&raw, repo, "origin") < 0) {
    return fail("cannot point the origin of " + mirror + " at " + url + ": " + git::last_error());
  }
  return RemotePtr(raw);
}

/// Fails fast with "unreachable" when nothing answers on the remote's port.
/// libgit2 1.5 has no connect timeout (GIT_OPT_SET_SERVER_CONNECT_TIMEOUT
/// came with 1.7): its own connect would wait for the kernel's SYN retries
/// (about two minutes).  This bounds that case by timeout_seconds.
Result<void> check_reachable(const git::RemoteEndpoint& endpoint, const std::string& url,
                             int timeout_seconds) {
  auto connected =
      transport::tcp_connect(endpoint.host, endpoint.port, std::chrono::seconds(timeout_seconds));
  if (!connected) {
    return fail(connected.error().wrap("cannot sync " + url + ": " + endpoint.host + ":" +
                                       std::to_string(endpoint.port) + " is unreachable"));
  }
  return {};
}

/// The error of a failed connect or fetch: the callbacks' own when they gave
/// up, else libgit2's with what to check.
Error fetch_error(int rc, const git::CallbackState& state, const std::string& url,
                  const std::string& stage) {
  if (state.error) return state.error->wrap("cannot sync " + url);
  if (rc == GIT_EAUTH) {
    return Error{ErrorKind::refused,
                 "cannot sync " + url + ": authentication refused (" + git::last_error() + ")", 0};
  }
  return Error{ErrorKind::failed,
               "cannot sync " + url + " (" + stage + "): " + git::last_error() +
                   "; check the URL, that the host is reachable and that the path is a git "
                   "repository",
               0};
}

/// The remote's default branch ("main"), as the connected remote
/// advertises its HEAD; empty for an empty remote or a detached HEAD.
std::string default_branch(git_remote* remote) {
  git::Buf branch;
  if (git_remote_default_branch(&branch.buf, remote) < 0) return "";
  const std::string name = branch.str();
  constexpr std::string_view kHeads = "refs/heads/";
  return name.starts_with(kHeads) ? name.substr(kHeads.size()) : "";
}

/// Points refs/remotes/origin/HEAD at origin's `branch`, so that
/// read_remote_ref(..., "HEAD") reads what a clone would check out.  Made
/// after the fetch: a symbolic ref to a branch not fetched yet breaks the
/// fetch's pruning.
Result<void> record_default_branch(git_repository* repo, const std::string& branch) {
  if (branch.empty()) return {};
  const std::string target = "refs/remotes/origin/" + branch;
  git_reference* raw = nullptr;
  if (git_reference_symbolic_create(&raw, repo, "refs/remotes/origin/HEAD", target.c_str(), 1,
                                    "swarmform: remote HEAD") < 0) {
    return fail("cannot record the remote's default branch " + branch + ": " + git::last_error());
  }
  git::ReferencePtr created(raw);
  return {};
}

/// Fetches every branch and tag of origin, pruning branches the remote no
/// longer has.  Bounds: the connect by check_reachable; the SSH handshake,
/// authentication and transfer only by the kernel's TCP timeouts, as
/// libgit2 1.5 offers no deadline for them.
Result<void> fetch(git_repository* repo, git_remote* remote, const std::string& url,
                   const RemoteOptions& options,
                   const std::optional<git::RemoteEndpoint>& endpoint) {
  git::CallbackState state;
  state.options = options;
  state.url = url;
  state.endpoint = endpoint;
  git_fetch_options fetch_options;
  git_fetch_options_init(&fetch_options, GIT_FETCH_OPTIONS_VERSION);
  fetch_options.callbacks = git::remote_callbacks(state);
  fetch_options.prune = GIT_FETCH_PRUNE;
  fetch_options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
  fetch_options.update_fetchhead = 0;

  // Connect first to learn the remote's default branch; the fetch reuses
  // this connection.
  int rc = git_remote_connect(remote, GIT_DIRECTION_FETCH, &fetch_options.callbacks,
                              &fetch_options.proxy_opts, nullptr);
  if (rc < 0) return fail(fetch_error(rc, state, url, "connect"));
  const std::string branch = default_branch(remote);
  rc = git_remote_fetch(remote, nullptr, &fetch_options, "swarmform: sync");
  if (rc < 0) return fail(fetch_error(rc, state, url, "fetch"));
  return record_default_branch(repo, branch);
}

}  // namespace

std::string default_cache_dir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && *xdg == '/') return std::string(xdg) + "/swarmform/repos";
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : "") + "/.cache/swarmform/repos";
}

Result<std::string> sync_remote(const std::string& url, const std::string& cache_dir,
                                const RemoteOptions& options) {
  SF_TRY(git::ensure_initialized());
  if (url.empty()) return fail("no git remote URL given");
  // A local path is made absolute: the mirror stores it and later syncs may
  // run from another folder.
  std::string source = url;
  if (git::is_local_path(url)) {
    source = fs::absolute(url).lexically_normal().string();
    while (source.size() > 1 && source.ends_with("/")) source.pop_back();
  }
  std::error_code ec;
  fs::create_directories(cache_dir, ec);
  if (ec) return fail("cannot create the cache folder " + cache_dir + ": " + ec.message());
  const std::string mirror = (fs::path(cache_dir) / git::mirror_name(source)).string();

  SF_TRY_ASSIGN(UniqueFd lock, lock_exclusive(mirror + ".lock"));
  SF_TRY_ASSIGN(RepositoryPtr repo, open_or_init_mirror(mirror));
  SF_TRY_ASSIGN(RemotePtr remote, origin_remote(repo.get(), source, mirror));
  const std::optional<git::RemoteEndpoint> endpoint = git::parse_remote_endpoint(source);
  if (endpoint) SF_TRY(check_reachable(*endpoint, source, options.timeout_seconds));
  SF_TRY(fetch(repo.get(), remote.get(), source, options, endpoint));
  return mirror;
}

}  // namespace swarmform::source
