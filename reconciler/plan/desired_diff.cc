#include "reconciler/plan/desired_diff.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "reconciler/model/owned_fields.h"
#include "reconciler/model/quantity.h"
#include "reconciler/plan/wording.h"

namespace swarmform::plan {
namespace {

constexpr const char* kNone = "none";

/// Collects the fields of one subject that differ.
class Fields {
 public:
  void compare(const std::string& field, const std::string& before, const std::string& after) {
    if (before != after) changes_.push_back({field, before, after, false});
  }
  [[nodiscard]] std::vector<FieldChange> take() { return std::move(changes_); }

 private:
  std::vector<FieldChange> changes_;
};

std::string text_or_none(const std::optional<std::string>& s) { return s ? *s : kNone; }
std::string bool_text(bool b) { return b ? "true" : "false"; }
std::string budget_text(int64_t nano) { return model::format_cpus(nano) + "x"; }

std::string budget_text(const std::optional<int64_t>& v) { return v ? budget_text(*v) : kNone; }


/// `sh -c 'a b'` as a reviewer reads it: words joined by spaces, words with
/// spaces or quotes single-quoted.
std::string command_text(const std::vector<std::string>& command) {
  if (command.empty()) return kNone;
  std::string out;
  for (const auto& word : command) {
    if (!out.empty()) out += ' ';
    if (!word.empty() && word.find_first_of(" \t'\"") == std::string::npos) {
      out += word;
      continue;
    }
    out += '\'';
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

/// "8080:80/tcp, 53:53/udp"; "none" for no ports.
std::string ports_text(const std::vector<model::PortSpec>& ports) {
  if (ports.empty()) return kNone;
  std::vector<std::string> items;
  for (const auto& p : ports) {
    items.push_back(std::to_string(p.published) + ":" + std::to_string(p.target) + "/" +
                    p.protocol);
  }
  return join(items);
}

/// One field per key of either map: "<prefix>.<key>".
void compare_map(Fields& f, const std::string& prefix,
                 const std::map<std::string, std::string>& before,
                 const std::map<std::string, std::string>& after) {
  std::set<std::string> keys;
  for (const auto& [k, v] : before) keys.insert(k);
  for (const auto& [k, v] : after) keys.insert(k);
  for (const auto& k : keys) {
    auto b = before.find(k);
    auto a = after.find(k);
    f.compare(prefix + "." + k, b == before.end() ? kNone : b->second,
              a == after.end() ? kNone : a->second);
  }
}

std::string ssh_text(const model::SshTarget& ssh) {
  std::string out = ssh.user + "@" + ssh.address;
  if (ssh.port != 22) out += ":" + std::to_string(ssh.port);
  return out;
}

std::string transport_text(model::TransportMode mode) {
  switch (mode) {
    case model::TransportMode::streamlocal:
      return "streamlocal";
    case model::TransportMode::dial_stdio:
      return "dial-stdio";
    case model::TransportMode::automatic:
      break;
  }
  return "auto";
}

std::string unmanaged_text(model::UnmanagedPolicy p) {
  switch (p) {
    case model::UnmanagedPolicy::ignore:
      return "ignore";
    case model::UnmanagedPolicy::error:
      return "error";
    case model::UnmanagedPolicy::warn:
      break;
  }
  return "warn";
}

std::vector<FieldChange> service_fields(const model::Service& b, const model::Service& a) {
  Fields f;
  f.compare("host", b.host.empty() ? kNone : b.host, a.host.empty() ? kNone : a.host);
  f.compare("mode", model::service_mode_name(b.mode), model::service_mode_name(a.mode));
  f.compare("match", b.match, a.match);
  const model::OwnedFields before = model::declared_owned(b);
  const model::OwnedFields after = model::declared_owned(a);
  for (model::OwnedField owned : model::kOwnedFields) {
    if (owned == model::OwnedField::node) continue;  // a service declares its host, above
    f.compare(std::string(model::owned_field_name(owned)), model::owned_field_text(before, owned).value_or(kNone),
              model::owned_field_text(after, owned).value_or(kNone));
  }
  f.compare("image", text_or_none(b.image), text_or_none(a.image));
  f.compare("allow_data_move", bool_text(b.allow_data_move), bool_text(a.allow_data_move));
  f.compare("command", command_text(b.command), command_text(a.command));
  compare_map(f, "env", b.env, a.env);
  compare_map(f, "labels", b.labels, a.labels);
  f.compare("ports", ports_text(b.ports), ports_text(a.ports));
  return f.take();
}

std::vector<FieldChange> host_fields(const model::Host& b, const model::Host& a) {
  Fields f;
  f.compare("capacity.cpus", model::format_cpus(b.capacity.nano_cpus),
            model::format_cpus(a.capacity.nano_cpus));
  f.compare("capacity.memory", model::format_memory(b.capacity.memory_bytes),
            model::format_memory(a.capacity.memory_bytes));
  f.compare("node", b.node, a.node);
  f.compare("ssh", ssh_text(b.ssh), ssh_text(a.ssh));
  f.compare("identity", text_or_none(b.identity), text_or_none(a.identity));
  f.compare("docker_socket", b.docker_socket, a.docker_socket);
  f.compare("transport", transport_text(b.transport), transport_text(a.transport));
  f.compare("cpu_overcommit", budget_text(b.cpu_overcommit), budget_text(a.cpu_overcommit));
  f.compare("memory_overcommit", budget_text(b.memory_overcommit),
            budget_text(a.memory_overcommit));
  return f.take();
}

std::vector<FieldChange> policy_fields(const model::Policy& b, const model::Policy& a) {
  Fields f;
  f.compare("cpu_overcommit", budget_text(b.cpu_overcommit), budget_text(a.cpu_overcommit));
  f.compare("memory_overcommit", budget_text(b.memory_overcommit),
            budget_text(a.memory_overcommit));
  f.compare("unmanaged", unmanaged_text(b.unmanaged), unmanaged_text(a.unmanaged));
  f.compare("require_limits", bool_text(b.require_limits), bool_text(a.require_limits));
  f.compare("prune", bool_text(b.prune), bool_text(a.prune));
  return f.take();
}

/// Walks two name-sorted maps together: added, removed, or changed entries.
template <class T, class CompareFields>
void diff_named(const std::map<std::string, T>& base, const std::map<std::string, T>& head,
                const std::string& prefix, CompareFields compare_fields,
                std::vector<DesiredChange>& out) {
  auto b = base.begin();
  auto h = head.begin();
  while (b != base.end() || h != head.end()) {
    if (h == head.end() || (b != base.end() && b->first < h->first)) {
      out.push_back({prefix + b->first, DesiredChange::Kind::removed, {}});
      ++b;
    } else if (b == base.end() || h->first < b->first) {
      out.push_back({prefix + h->first, DesiredChange::Kind::added, {}});
      ++h;
    } else {
      std::vector<FieldChange> fields = compare_fields(b->second, h->second);
      if (!fields.empty())
        out.push_back({prefix + h->first, DesiredChange::Kind::changed, std::move(fields)});
      ++b;
      ++h;
    }
  }
}

void add_changed(const std::string& subject, std::vector<FieldChange> fields,
                 std::vector<DesiredChange>& out) {
  if (!fields.empty()) out.push_back({subject, DesiredChange::Kind::changed, std::move(fields)});
}

}  // namespace

std::vector<DesiredChange> diff_desired(const model::DesiredState& base,
                                        const model::DesiredState& head) {
  std::vector<DesiredChange> out;
  diff_named(base.services, head.services, "service ", service_fields, out);
  diff_named(base.hosts, head.hosts, "host ", host_fields, out);
  add_changed("policy", policy_fields(base.policy, head.policy), out);
  Fields cluster;
  cluster.compare("manager", base.manager, head.manager);
  add_changed("cluster", cluster.take(), out);
  Fields known_hosts;
  known_hosts.compare("path", text_or_none(base.known_hosts), text_or_none(head.known_hosts));
  add_changed("known_hosts", known_hosts.take(), out);
  return out;
}

}  // namespace swarmform::plan
