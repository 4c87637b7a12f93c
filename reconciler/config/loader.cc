#include "reconciler/config/loader.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "reconciler/config/host_reader.h"
#include "reconciler/config/service_reader.h"
#include "reconciler/config/suggest.h"
#include "reconciler/config/yaml_document.h"
#include "reconciler/config/yaml_reader.h"
#include "reconciler/model/quantity.h"

// Loading runs in three phases, each reporting into the same diagnostics:
// merge the files' sections (merge_files), read them into the model
// (build_state), then check what refers to what across the whole state
// (check_references).  The order of the calls is the order diagnostics at
// one place are shown in: keep it.

namespace swarmform::config {
namespace {

const std::vector<std::string> kTopLevel{"version", "cluster", "hosts", "known_hosts", "policy", "services",
                                         "integrations"};
const std::vector<std::string> kIntegrations{"dokploy"};
const std::vector<std::string> kDokployKeys{"url", "api_key_env", "ca_file"};
const std::vector<std::string> kClusterKeys{"manager"};
const std::vector<std::string> kPolicyKeys{"cpu_overcommit", "memory_overcommit", "unmanaged", "require_limits",
                                           "prune"};

/// Every file's top-level sections, merged.  Entries point into the files'
/// trees, which they keep alive.
struct MergedSections {
  std::vector<std::string> files;  ///< names, sorted
  std::map<std::string, Entry> hosts;
  std::map<std::string, Entry> services;
  std::map<std::string, Entry> cluster;
  std::map<std::string, Entry> policy;
  std::optional<Entry> known_hosts;
  std::optional<Entry> version;
  std::map<std::string, Entry> integrations;
};

/// Adds the entries of `section` (a map, or empty) to `into`; an entry
/// already there from this or an earlier file is an error, as is a key not
/// in `allowed` (when given).  `what` names the section, `noun` one entry.
void merge_section(YamlReader& r, model::Diagnostics& diags, const Entry& section,
                   const std::vector<std::string>* allowed, const std::string& what, const std::string& noun,
                   std::map<std::string, Entry>& into) {
  if (section.value->is_null()) return;  // `services:` with nothing under it
  if (!section.value->is_map()) {
    r.error(section, what + " must be a map, not " + YamlReader::kind(section.value));
    return;
  }
  for (const auto& [k, v] : section.value->entries) {
    Entry e{section.file, k, v};
    if (!k->is_scalar()) {
      diags.error(e.key_location(), "keys in " + what + " must be plain names");
      continue;
    }
    const std::string key = k->scalar;
    if (allowed && std::find(allowed->begin(), allowed->end(), key) == allowed->end()) {
      diags.error(e.key_location(), "unknown key '" + key + "' in " + what + did_you_mean(key, *allowed));
      continue;
    }
    auto [prev, fresh] = into.emplace(key, e);
    if (!fresh) {
      diags.error(e.key_location(),
                  noun + " '" + key + "' is defined twice (first at " + where(prev->second.key_location()) + ")");
    }
  }
}

/// Phase 1: parses each file (sorted by name) and merges its sections.
MergedSections merge_files(const std::vector<const model::SourceFile*>& files, YamlReader& r,
                           model::Diagnostics& diags) {
  MergedSections merged;
  for (const model::SourceFile* file : files) {
    merged.files.push_back(file->name);
    auto root = parse_document(*file, diags);
    if (!root) continue;
    Entry whole{file->name, *root, *root};
    r.for_each_key(whole, kTopLevel, "the desired state", [&](const std::string& key, const Entry& e) {
      if (key == "version") {
        auto v = r.count(e, "version", 1000);
        if (v && *v != 1) r.error(e, "version " + std::to_string(*v) + " is not supported: this swarmform reads version 1");
        if (!merged.version) merged.version = e;
      } else if (key == "known_hosts") {
        if (merged.known_hosts) {
          diags.error(e.key_location(),
                      "known_hosts is defined twice (first at " + where(merged.known_hosts->key_location()) + ")");
        } else {
          merged.known_hosts = e;
        }
      } else if (key == "cluster") {
        merge_section(r, diags, e, &kClusterKeys, "cluster", "cluster key", merged.cluster);
      } else if (key == "policy") {
        merge_section(r, diags, e, &kPolicyKeys, "policy", "policy key", merged.policy);
      } else if (key == "hosts") {
        merge_section(r, diags, e, nullptr, "hosts", "host", merged.hosts);
      } else if (key == "services") {
        merge_section(r, diags, e, nullptr, "services", "service", merged.services);
      } else if (key == "integrations") {
        merge_section(r, diags, e, &kIntegrations, "integrations", "integration", merged.integrations);
      }
    });
  }
  return merged;
}

void read_policy(YamlReader& r, const Entry& v, const std::string& key, model::Policy& p) {
  if (key == "cpu_overcommit") {
    if (auto x = r.quantity(v, "policy.cpu_overcommit", model::parse_ratio)) p.cpu_overcommit = *x;
  } else if (key == "memory_overcommit") {
    if (auto x = r.quantity(v, "policy.memory_overcommit", model::parse_ratio)) p.memory_overcommit = *x;
  } else if (key == "unmanaged") {
    if (auto s = r.string(v, "policy.unmanaged")) {
      if (*s == "ignore") p.unmanaged = model::UnmanagedPolicy::ignore;
      else if (*s == "warn") p.unmanaged = model::UnmanagedPolicy::warn;
      else if (*s == "error") p.unmanaged = model::UnmanagedPolicy::error;
      else r.error(v, "policy.unmanaged must be ignore, warn or error, not '" + *s + "'");
    }
  } else if (key == "require_limits") {
    if (auto b = r.boolean(v, "policy.require_limits")) p.require_limits = *b;
  } else if (key == "prune") {
    if (auto b = r.boolean(v, "policy.prune")) p.prune = *b;
  }
}

/// A name the shell accepts as an environment variable.
bool is_env_name(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

/// Whether `url` is one swarmform may send the API key to: https anywhere,
/// plain http only to 127.0.0.1 (a Dokploy on this machine, or a tunnel).
std::optional<std::string> dokploy_url_problem(const std::string& url) {
  auto rest_after = [&](std::string_view scheme) { return url.substr(scheme.size()); };
  std::string rest;
  if (url.starts_with("https://")) {
    rest = rest_after("https://");
  } else if (url.starts_with("http://")) {
    rest = rest_after("http://");
    std::string host = rest.substr(0, rest.find_first_of(":/"));
    if (host != "127.0.0.1") {
      return "must be https:// (the API key travels in every request); http:// is accepted only for 127.0.0.1";
    }
  } else {
    return "must start with https://";
  }
  std::string authority = rest.substr(0, rest.find('/'));
  if (authority.empty()) return "has no host";
  if (authority.find('@') != std::string::npos) {
    return "must not carry credentials: the API key comes from api_key_env";
  }
  if (rest.find_first_of("?#") != std::string::npos) return "must not have a query or fragment";
  return std::nullopt;
}

/// `integrations.dokploy`: url, api_key_env (both required), ca_file.
std::optional<model::DokployIntegration> read_dokploy(YamlReader& r, const Entry& e) {
  if (!e.value->is_map()) {
    r.error(e, "integrations.dokploy must be a map, not " + YamlReader::kind(e.value));
    return std::nullopt;
  }
  model::DokployIntegration d;
  d.where = e.key_location();
  bool ok = true;
  bool has_url = false;
  bool has_key = false;
  r.for_each_key(e, kDokployKeys, "integrations.dokploy", [&](const std::string& key, const Entry& v) {
    if (key == "url") {
      has_url = true;
      auto s = r.string(v, "integrations.dokploy.url");
      if (!s) {
        ok = false;
      } else if (auto problem = dokploy_url_problem(*s)) {
        r.error(v, "integrations.dokploy.url '" + *s + "' " + *problem);
        ok = false;
      } else {
        d.url = *s;
        while (d.url.ends_with('/')) d.url.pop_back();
      }
    } else if (key == "api_key_env") {
      has_key = true;
      auto s = r.string(v, "integrations.dokploy.api_key_env");
      if (!s) {
        ok = false;
      } else if (!is_env_name(*s)) {
        r.error(v, "integrations.dokploy.api_key_env '" + *s +
                       "' is not an environment variable name (letters, digits and _, not starting with a digit): "
                       "it names the variable that holds the key, never the key itself");
        ok = false;
      } else {
        d.api_key_env = *s;
      }
    } else if (key == "ca_file") {
      if (auto s = r.string(v, "integrations.dokploy.ca_file")) d.ca_file = r.path(*s);
      else ok = false;
    }
  });
  if (!has_url) {
    r.error(e.key_location(), "integrations.dokploy needs url: (https://your-dokploy)");
    ok = false;
  }
  if (!has_key) {
    r.error(e.key_location(), "integrations.dokploy needs api_key_env: the environment variable that holds the API key");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return d;
}

/// Phase 2: the merged sections read into a desired state.  Each service's
/// entry is taken out of `merged` once read, so that the tree and the model
/// of a large state are not both held whole.
model::DesiredState build_state(MergedSections& merged, YamlReader& r) {
  model::DesiredState state;
  state.files = merged.files;
  state.version = 1;
  for (const auto& [name, e] : merged.hosts) state.hosts.emplace(name, read_host(r, name, e));
  auto& services = merged.services;
  for (auto it = services.begin(); it != services.end(); it = services.erase(it)) {
    state.services.emplace(it->first, read_service(r, it->first, it->second));
  }
  for (const auto& [key, e] : merged.policy) read_policy(r, e, key, state.policy);
  if (merged.known_hosts) {
    if (auto s = r.string(*merged.known_hosts, "known_hosts")) state.known_hosts = r.path(*s);
  }
  if (auto it = merged.cluster.find("manager"); it != merged.cluster.end()) {
    if (auto m = r.string(it->second, "cluster.manager")) state.manager = *m;
  }
  if (auto it = merged.integrations.find("dokploy"); it != merged.integrations.end()) {
    state.dokploy = read_dokploy(r, it->second);
  }
  return state;
}

/// Phase 3: what the state's parts say of each other — the manager and each
/// service's host are declared hosts, no two services match the same swarm
/// service, no two hosts are the same node.  Capacity budgets are checked
/// apart, by the caller (budget.h).
void check_references(const model::DesiredState& state, const MergedSections& merged, YamlReader& r,
                      model::Diagnostics& diags) {
  std::vector<std::string> host_names;
  for (const auto& [name, h] : state.hosts) host_names.push_back(name);
  if (auto it = merged.cluster.find("manager"); it != merged.cluster.end()) {
    // An empty state.manager did not read, and has been reported.
    const std::string& m = state.manager;
    if (!m.empty() && !state.hosts.contains(m)) {
      r.error(it->second, "cluster.manager '" + m + "' is not a declared host" + did_you_mean(m, host_names));
    }
  } else if (!state.hosts.empty()) {
    diags.error({merged.files.front(), 1, 1}, "no cluster.manager: say which host's engine is the swarm manager");
  }
  std::map<std::string, const model::Service*> by_match;
  for (const auto& [name, s] : state.services) {
    if (!s.host.empty() && !state.hosts.contains(s.host)) {
      diags.error(s.host_where, "service '" + name + "' runs on host '" + s.host + "', which is not declared" +
                                    did_you_mean(s.host, host_names));
    }
    auto [prev, fresh] = by_match.emplace(s.match, &s);
    if (!fresh) {
      diags.error(s.where, "services '" + prev->second->name + "' and '" + name + "' both match '" + s.match +
                               "' in the swarm");
    }
  }
  // Two hosts that claim the same swarm node would double-count its capacity.
  std::map<std::string, const model::Host*> by_node;
  for (const auto& [name, h] : state.hosts) {
    auto [prev, fresh] = by_node.emplace(h.node, &h);
    if (!fresh) {
      diags.error(h.where, "hosts '" + prev->second->name + "' and '" + name + "' are both swarm node '" + h.node + "'");
    }
  }
}

}  // namespace

Loaded load_desired_state(const std::vector<model::SourceFile>& input, const LoadOptions& options) {
  Loaded out;
  model::Diagnostics& diags = out.diagnostics;
  YamlReader r(diags, options);
  std::vector<const model::SourceFile*> files;
  for (const auto& f : input) files.push_back(&f);
  std::sort(files.begin(), files.end(), [](auto* a, auto* b) { return a->name < b->name; });

  MergedSections merged = merge_files(files, r, diags);
  if (files.empty()) {
    diags.error({options.base_dir, 0, 0}, "no desired-state files (*.yaml, *.yml) found");
    return out;
  }
  if (!merged.version && !diags.has_errors()) {
    diags.error({files.front()->name, 1, 1}, "no 'version: 1' in any desired-state file: add it to one");
  }
  model::DesiredState state = build_state(merged, r);
  check_references(state, merged, r, diags);

  diags.sort();
  if (!diags.has_errors()) out.state = std::move(state);
  return out;
}

}  // namespace swarmform::config
