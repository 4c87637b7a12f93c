#include <unistd.h>

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "reconciler/cli/commands.h"
#include "reconciler/cli/desired_input.h"
#include "reconciler/cli/engine_connection.h"
#include "reconciler/engine/live_reader.h"
#include "reconciler/model/quantity.h"
#include "reconciler/render/capacity_table.h"
#include "reconciler/render/table.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::cli {
namespace {

using model::format_cpus;
using model::memory_readable;

struct StateOptions {
  std::string format = "text";
  ConnectionOptions connection;
};

std::string resources_text(const model::Resources& r) {
  return (r.nano_cpus ? format_cpus(r.nano_cpus) : "-") + " / " + (r.memory_bytes ? memory_readable(r.memory_bytes) : "-");
}

std::string label(const model::LiveService& s, const std::string& key) {
  auto it = s.labels.find(key);
  return it == s.labels.end() ? "" : it->second;
}

/// What the state command shows: the live swarm seen through the desired
/// state's host names and budgets.
struct StateView {
  const model::DesiredState& desired;
  const model::LiveState& live;
  std::vector<model::HostLoad> loads;                  ///< per node
  std::map<std::string, std::string> host_of_node;     ///< node hostname -> declared host
  std::map<std::string, const model::LiveNode*> node_by_id;
  std::map<std::string, std::map<std::string, uint64_t>> running;  ///< node id -> service id -> tasks

  StateView(const model::DesiredState& d, const model::LiveState& l) : desired(d), live(l) {
    loads = model::live_node_loads(l);
    for (const auto& [name, h] : d.hosts) host_of_node[h.node] = name;
    for (auto& load : loads) {
      auto it = host_of_node.find(load.host);
      const model::Host* host = it == host_of_node.end() ? nullptr : &d.hosts.at(it->second);
      load.cpu_budget = host ? d.cpu_budget(*host) : d.policy.cpu_overcommit;
      load.memory_budget = host ? d.memory_budget(*host) : d.policy.memory_overcommit;
    }
    for (const auto& n : l.nodes) node_by_id[n.id] = &n;
    for (const auto& t : l.tasks) {
      if (t.desired_state == "running") ++running[t.node_id][t.service_id];
    }
  }

  [[nodiscard]] std::string host_name(const std::string& hostname) const {
    auto it = host_of_node.find(hostname);
    return it == host_of_node.end() ? "" : it->second;
  }
  [[nodiscard]] const model::LiveNode* node(const std::string& hostname) const {
    for (const auto& n : live.nodes) {
      if (n.hostname == hostname) return &n;
    }
    return nullptr;
  }
  /// Services with no task meant to run anywhere (scaled to 0, or all pending/failed).
  [[nodiscard]] std::vector<const model::LiveService*> not_running() const {
    std::vector<const model::LiveService*> out;
    for (const auto& s : live.services) {
      bool anywhere = false;
      for (const auto& [node_id, per_service] : running) anywhere = anywhere || per_service.contains(s.id);
      if (!anywhere) out.push_back(&s);
    }
    return out;
  }
};

std::string replicas_text(const model::LiveService& s, uint64_t here) {
  if (s.global) return std::to_string(here) + " (global)";
  return std::to_string(here) + "/" + std::to_string(s.replicas.value_or(0));
}

void print_text(const StateView& v, const std::string& peer, const render::Style& st) {
  std::cout << st.bold("Swarm") << " via " << peer << ": Docker " << printable(v.live.engine_version) << ", API "
            << printable(v.live.api_version) << ", " << v.live.nodes.size() << " nodes, " << v.live.services.size()
            << " services\n";
  for (const auto& load : v.loads) {
    const model::LiveNode* n = v.node(load.host);
    std::string host = v.host_name(load.host);
    std::cout << "\n"
              << st.bold(printable(load.host)) << (host.empty() || host == load.host ? "" : " (host " + host + ")")
              << (host.empty() ? st.yellow(" (not a declared host)") : "") << "  " << printable(n->role) << ", "
              << (n->state == "ready" ? st.green(n->state) : st.red(printable(n->state))) << ", "
              << (n->availability == "active" ? n->availability : st.yellow(printable(n->availability))) << ", "
              << format_cpus(n->nano_cpus) << " CPUs, " << memory_readable(n->memory_bytes) << "\n";
    if (load.services.empty()) {
      std::cout << "  no running tasks\n";
      continue;
    }
    render::Table t({"SERVICE", "REPLICAS", "LIMITS CPU / MEM", "RESERVED CPU / MEM", "APPLIED"});
    for (const auto& sl : load.services) {
      const model::LiveService* s = nullptr;
      for (const auto& ls : v.live.services) {
        if (ls.name == sl.service) s = &ls;
      }
      std::string limits = resources_text(s->limits);
      if (sl.cpu_limit_missing || sl.memory_limit_missing) limits = st.yellow(limits + "  (no limit!)");
      std::string commit = label(*s, "swarmform.commit");
      commit = printable(commit);
      t.add({printable(s->name), replicas_text(*s, sl.tasks), limits, resources_text(s->reservations),
             commit.empty() ? (label(*s, "swarmform.managed") == "true" ? "yes" : "-")
                            : commit.substr(0, 12) + (commit.ends_with("-dirty") ? "-dirty" : "")});
    }
    std::cout << t.str("  ");
  }
  auto idle = v.not_running();
  if (!idle.empty()) {
    std::cout << "\nNot running anywhere:\n";
    render::Table t({"SERVICE", "REPLICAS", "LIMITS CPU / MEM", "RESERVED CPU / MEM"});
    for (const auto* s : idle) {
      t.add({printable(s->name), s->global ? "global" : "0/" + std::to_string(s->replicas.value_or(0)),
             resources_text(s->limits), resources_text(s->reservations)});
    }
    std::cout << t.str("  ");
  }
  std::cout << "\n" << st.bold("Committed per node") << " (limits x running tasks against the node's real capacity):\n"
            << render::capacity_table(v.loads, st);
}

nlohmann::json to_json(const StateView& v, const std::string& peer) {
  auto res = [](const model::Resources& r) {
    return nlohmann::json{{"nano_cpus", r.nano_cpus}, {"memory_bytes", r.memory_bytes}};
  };
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& load : v.loads) {
    const model::LiveNode* n = v.node(load.host);
    nlohmann::json services = nlohmann::json::array();
    for (const auto& s : v.live.services) {
      auto per_node = v.running.find(n->id);
      uint64_t here = 0;
      if (per_node != v.running.end()) {
        auto it = per_node->second.find(s.id);
        if (it != per_node->second.end()) here = it->second;
      }
      if (here == 0) continue;
      services.push_back({{"name", s.name},
                          {"id", s.id},
                          {"mode", s.global ? "global" : "replicated"},
                          {"running_here", here},
                          {"replicas", s.replicas ? nlohmann::json(*s.replicas) : nlohmann::json(nullptr)},
                          {"running_tasks", s.running_tasks},
                          {"limits", res(s.limits)},
                          {"reservations", res(s.reservations)},
                          {"no_limits", s.limits.nano_cpus == 0 || s.limits.memory_bytes == 0},
                          {"managed", label(s, "swarmform.managed") == "true"},
                          {"commit", label(s, "swarmform.commit")}});
    }
    std::string host = v.host_name(load.host);
    nodes.push_back({{"hostname", n->hostname},
                     {"host", host.empty() ? nlohmann::json(nullptr) : nlohmann::json(host)},
                     {"id", n->id},
                     {"role", n->role},
                     {"state", n->state},
                     {"availability", n->availability},
                     {"nano_cpus", n->nano_cpus},
                     {"memory_bytes", n->memory_bytes},
                     {"capacity", render::capacity_json(load)},
                     {"services", services}});
  }
  nlohmann::json idle = nlohmann::json::array();
  for (const auto* s : v.not_running()) idle.push_back(s->name);
  return {{"manager", peer},
          {"engine_version", v.live.engine_version},
          {"api_version", v.live.api_version},
          {"nodes", nodes},
          {"services_not_running", idle}};
}

int run_state(const GlobalOptions& global, const StateOptions& opts) {
  DesiredInput in = read_desired(global.dir, CheckBudgets::no);
  render::Style err_style = render::style_for(STDERR_FILENO, global.no_color);
  if (!in.loaded.state) {
    print_diagnostics(in.loaded.diagnostics, global.no_color);
    std::cerr << "swarmform: error: the desired state has errors (see `swarmform validate`); it names the hosts to "
                 "connect to\n";
    return kExitError;
  }
  auto client = connect_to_manager(*in.loaded.state, opts.connection);
  if (!client) {
    std::cerr << err_style.red("swarmform: error: " + client.error().message) << "\n";
    return kExitError;
  }
  auto live = engine::read_live_state(*client);
  if (!live) {
    std::cerr << err_style.red("swarmform: error: " + live.error().message) << "\n";
    return kExitError;
  }
  StateView view(*in.loaded.state, *live);
  if (opts.format == "json") {
    std::cout << to_json(view, client->describe()).dump(2) << "\n";
  } else {
    print_text(view, client->describe(), render::style_for(STDOUT_FILENO, global.no_color));
  }
  return kExitOk;
}

}  // namespace

void add_state_command(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<StateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "state", "Read the live swarm through the manager: nodes, services, tasks, limits and per-node budgets");
  cmd->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"text", "json"}));
  add_connection_flags(*cmd, opts->connection);
  cmd->callback([&global, &exit_code, opts] { exit_code = run_state(global, *opts); });
}

}  // namespace swarmform::cli
