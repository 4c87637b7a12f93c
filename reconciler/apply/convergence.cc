#include "reconciler/apply/convergence.h"

#include <fmt/format.h>

#include <condition_variable>
#include <mutex>

#include "reconciler/engine/json_field.h"

namespace swarmform::apply {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

Result<NodeNames> read_node_names(engine::DockerClient& client) {
  auto nodes = client.nodes();
  if (!nodes) return fail(nodes.error().wrap("reading the swarm's nodes"));
  engine::JsonField list(&*nodes, "nodes");
  SF_TRY_ASSIGN(std::vector<engine::JsonField> items, list.elements());
  NodeNames out;
  for (const auto& n : items) {
    SF_TRY_ASSIGN(std::string id, n.string_at({"ID"}));
    SF_TRY_ASSIGN(std::string host, n.string_at({"Description", "Hostname"}));
    out[id] = host;
  }
  return out;
}

/// True when some task sits on a node ID missing from `nodes`.
bool has_unknown_node(const nlohmann::json& tasks, const NodeNames& nodes) {
  if (!tasks.is_array()) return false;
  for (const auto& t : tasks) {
    if (!t.is_object()) continue;
    auto id = t.find("NodeID");
    if (id != t.end() && id->is_string() && !id->get_ref<const std::string&>().empty() &&
        !nodes.contains(id->get<std::string>())) {
      return true;
    }
  }
  return false;
}

/// Sleeps `d`; returns false at once when a stop is requested.
bool sleep_unless_stopped(milliseconds d, const std::stop_token& stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  return !cv.wait_for(lock, stop, d, [] { return false; }) && !stop.stop_requested();
}

std::string summary(const Observation& obs) {
  std::string out = fmt::format("{}/{} running", obs.running, obs.desired);
  if (!obs.node.empty()) out += " on " + obs.node;
  if (!obs.messages.empty())
    out += fmt::format("; latest task messages: {}", fmt::join(obs.messages, "; "));
  return out;
}

}  // namespace

Result<ConvergenceTarget> read_convergence_target(engine::DockerClient& client,
                                                  const std::string& service_id) {
  auto service = client.inspect_service(service_id);
  if (!service) return fail(service.error().wrap("reading service " + service_id));
  return convergence_target(*service);
}

Result<Converged> wait_for_convergence(engine::DockerClient& client,
                                       const ConvergenceTarget& target,
                                       const ConvergenceOptions& options,
                                       const ProgressFn& progress) {
  const auto start = steady_clock::now();
  const std::string& name = target.service_name;
  SF_TRY_ASSIGN(NodeNames nodes, read_node_names(client));
  ConvergenceJudge judge(target, options.limits);
  while (true) {
    auto service = client.inspect_service(target.service_id);
    if (!service && service.error().kind == ErrorKind::not_found) {
      return fail(name + ": removed by someone else during apply", ErrorKind::conflict);
    }
    if (!service) return fail(service.error().wrap("reading service " + name));
    auto tasks = client.tasks({{"service", {target.service_id}}});
    if (!tasks) return fail(tasks.error().wrap("reading the tasks of " + name));
    if (has_unknown_node(*tasks, nodes)) {
      SF_TRY_ASSIGN(nodes, read_node_names(client));
    }
    auto now = steady_clock::now();
    auto elapsed = std::chrono::duration_cast<milliseconds>(now - start);
    auto obs = judge.observe(*service, *tasks, nodes, now);
    if (!obs) return fail(obs.error().wrap("the tasks of " + name));
    if (progress)
      progress(Progress{name, obs->running, obs->desired, obs->node, elapsed, obs->messages});
    switch (obs->verdict) {
      case Observation::Verdict::converged:
        return Converged{obs->running, elapsed};
      case Observation::Verdict::failed:
        return fail(obs->failure);
      case Observation::Verdict::changed_elsewhere:
        return fail(obs->failure, ErrorKind::conflict);
      case Observation::Verdict::waiting:
        break;
    }
    // The scheduler has said why: its words, not a plain timeout.
    if (elapsed >= options.timeout && !obs->unschedulable.empty()) return fail(obs->unschedulable);
    if (elapsed >= options.timeout) {
      return fail(
          fmt::format("{}: not converged after {}: {}", name, seconds_text(elapsed), summary(*obs)),
          ErrorKind::timeout);
    }
    auto left = options.timeout - elapsed;
    if (!sleep_unless_stopped(std::min(options.poll_interval, left), options.stop)) {
      return fail(fmt::format("{}: stopped while waiting for convergence after {}: {}", name,
                              seconds_text(elapsed), summary(*obs)));
    }
  }
}

}  // namespace swarmform::apply
