#include "reconciler/cli/usage_sampling.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <sstream>

#include "reconciler/engine/live_reader.h"
#include "reconciler/history/usage_db.h"
#include "reconciler/engine/usage_reader.h"
#include "reconciler/transport/local_socket.h"
#include "reconciler/usage/proc_stat.h"

namespace swarmform::cli {
namespace {

using Clock = std::chrono::steady_clock;

/// The host's /proc counters, however they are reached.
using CounterReader = std::function<Result<model::HostSample>()>;

/// Over SSH: the one fixed command, its output parsed.  What a restricted
/// key's forced command prints instead fails to parse, and says so.
CounterReader ssh_counters(transport::SshSession session) {
  return [session]() mutable -> Result<model::HostSample> {
    constexpr std::size_t kMaxOutput = 256 * 1024;  // /proc/stat of a 1000-CPU host is ~100 KiB
    auto out = session.run_command(std::string(usage::kHostCountersCommand), kMaxOutput);
    if (!out) return fail(out.error().message);
    if (out->exit_status != 0) {
      std::string err = out->err.substr(0, 200);
      while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) err.pop_back();
      return fail("`" + std::string(usage::kHostCountersCommand) + "` exited with status " +
                  std::to_string(out->exit_status) + (err.empty() ? "" : ": " + err) +
                  " (a key restricted with command= in authorized_keys runs its own command instead)");
    }
    return usage::parse_host_counters(out->out);
  };
}

/// --local: this machine's own files.
Result<model::HostSample> local_counters() {
  std::string text;
  for (const char* path : {"/proc/loadavg", "/proc/stat"}) {
    std::ifstream in(path);
    if (!in) return fail(std::string("cannot read ") + path);
    std::ostringstream content;
    content << in.rdbuf();
    text += content.str();
  }
  return usage::parse_host_counters(text);
}

/// Waits until `deadline` or a stop request; true when stopped.
bool wait_until(Clock::time_point deadline, const std::stop_token& stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait_until(lock, stop, deadline, [] { return false; });
  return stop.stop_requested();
}

/// What the manager adds to its reading.
struct ManagerPart {
  model::LiveState live;
  std::string swarm_id;
  std::optional<std::string> error;
};

struct HostResult {
  usage::HostReadings readings;
  std::optional<ManagerPart> manager;
  std::chrono::milliseconds elapsed{0};
  bool stopped = false;
};

/// The manager's services (their limits) and the swarm's ID.
ManagerPart read_manager_part(engine::DockerClient& client) {
  ManagerPart part;
  auto live = engine::read_live_state(client);
  if (!live) {
    part.error = live.error().message;
    return part;
  }
  auto id = engine::read_swarm_id(client);
  if (!id) {
    part.error = id.error().message;
    return part;
  }
  part.live = std::move(*live);
  part.swarm_id = std::move(*id);
  return part;
}

/// Both readings of one host through `client` and `counters`.
HostResult read_host(const std::string& name, engine::DockerClient& client, const CounterReader& counters,
                     bool is_manager, std::chrono::milliseconds window, const std::stop_token& stop) {
  HostResult r;
  r.readings.host = name;
  const auto start = Clock::now();
  r.readings.host_first = counters();
  auto first = engine::read_task_containers(client);
  if (!first) {
    r.readings.error = first.error().message;
    return r;
  }
  r.readings.first = std::move(*first);
  spdlog::debug("usage: {}: first reading of {} containers took {} ms", name, r.readings.first.size(),
                std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
  // The manager's services and the swarm ID are read while the window runs:
  // they cost the wall time nothing.
  if (is_manager) r.manager = read_manager_part(client);
  r.stopped = wait_until(start + window, stop);
  if (r.stopped) {
    r.readings.error = "stopped before the end of the window";
    return r;
  }
  const auto second_start = Clock::now();
  r.readings.host_second = counters();
  auto second = engine::read_task_containers(client);
  if (!second) {
    r.readings.error = second.error().message;
    return r;
  }
  r.readings.second = std::move(*second);
  spdlog::debug("usage: {}: second reading of {} containers took {} ms", name, r.readings.second.size(),
                std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - second_start).count());
  r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  return r;
}

HostResult sample_host(const model::DesiredState& desired, const model::Host& host, const ConnectionOptions& o,
                       std::chrono::milliseconds window) {
  const bool is_manager = host.name == desired.manager;
  auto failed = [&](const std::string& message) {
    HostResult r;
    r.readings.host = host.name;
    r.readings.error = message;
    if (is_manager) r.manager = ManagerPart{{}, {}, message};
    return r;
  };
  if (o.local) {
    if (!is_manager) return failed("not measured: --local reaches only the manager's engine on this machine");
    const auto timeout = std::chrono::milliseconds(o.connect_timeout_s * 1000);
    auto client = engine::DockerClient::connect(transport::unix_socket_dialer(host.docker_socket, timeout));
    if (!client) return failed(client.error().wrap(host.name + " (--local)").message);
    return read_host(host.name, *client, local_counters, true, window, o.stop);
  }
  auto session = connect_ssh(desired, host, o);
  if (!session) return failed(session.error().message);
  auto client = engine::DockerClient::connect(session->dialer());
  if (!client) return failed(client.error().message);
  return read_host(host.name, *client, ssh_counters(*session), is_manager, window, o.stop);
}

}  // namespace

UsageSampling sample_usage(const model::DesiredState& desired, const ConnectionOptions& connection,
                           std::chrono::milliseconds window) {
  // One thread per host: an SSH session is used by one thread only.
  std::vector<std::future<HostResult>> running;
  for (const auto& [name, host] : desired.hosts) {
    running.push_back(std::async(std::launch::async, [&desired, &host, &connection, window] {
      return sample_host(desired, host, connection, window);
    }));
  }
  UsageSampling out;
  for (auto& f : running) {
    HostResult r = f.get();
    out.elapsed = std::max(out.elapsed, r.elapsed);
    out.stopped = out.stopped || r.stopped;
    if (r.readings.error) spdlog::debug("usage: {}: {}", r.readings.host, *r.readings.error);
    if (r.readings.host == desired.manager && !r.manager) {
      // The manager failed before its services were read.
      r.manager = ManagerPart{{}, {}, r.readings.error.value_or("not read")};
    }
    if (r.manager) {
      out.live = std::move(r.manager->live);
      out.swarm_id = std::move(r.manager->swarm_id);
      out.manager_error = std::move(r.manager->error);
    }
    out.readings.push_back(std::move(r.readings));
  }
  return out;
}

MeasuredUsage measure_usage(const model::DesiredState& desired, const ConnectionOptions& connection,
                            std::chrono::milliseconds window, const std::vector<std::string>& targets) {
  UsageSampling sampled = sample_usage(desired, connection, window);
  MeasuredUsage out;
  out.stopped = sampled.stopped;
  out.swarm_id = sampled.swarm_id;
  usage::MeasureOptions options;
  options.window_seconds = static_cast<double>(window.count()) / 1000.0;
  options.targets = targets;
  out.report = usage::measure(desired, sampled.live, sampled.readings, options);
  for (const auto& r : sampled.readings) {
    if (r.error) out.errors.push_back(r.host + " was not measured: " + *r.error);
  }
  if (sampled.manager_error) {
    out.errors.push_back("the manager's services could not be read, so limits are unknown: " +
                         *sampled.manager_error);
  }
  return out;
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<history::UsageDb> open_history(const std::string& db) {
  std::string path = db;
  if (path.empty()) {
    SF_TRY_ASSIGN(path, history::default_db_path());
  }
  return history::UsageDb::open(path);
}

Result<std::string> record_usage(const HistoryOptions& history, const MeasuredUsage& measured) {
  if (measured.swarm_id.empty()) {
    return fail("nothing recorded: the swarm's ID comes from the manager, which could not be read");
  }
  SF_TRY_ASSIGN(auto db, open_history(history.db));
  const int64_t now = unix_now();
  SF_TRY(db.record(measured.swarm_id, measured.report, now));
  SF_TRY_ASSIGN(int64_t removed, db.prune(now - history.retain.count() / 1000));
  std::string line = std::to_string(measured.report.services.size()) + " service rows recorded in " + db.path();
  if (removed > 0) line += " (" + std::to_string(removed) + " older rows removed)";
  return line;
}

}  // namespace swarmform::cli
