#include "reconciler/config/loader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <functional>
#include <map>
#include <string_view>
#include <unordered_map>

#include "reconciler/config/glob.h"
#include "reconciler/config/suggest.h"
#include "reconciler/config/yaml_document.h"
#include "reconciler/model/quantity.h"

namespace swarmform::config {
namespace {

using model::Location;

/// Keys a map of known keys (a service, a host, the top level) may hold, known
/// or not: the largest such map has 11 keys.
constexpr size_t kMaxKeysPerMap = 1000;

std::string where(const Location& l) {
  return l.file + ":" + std::to_string(l.line) + ":" + std::to_string(l.column);
}

/// One key of a map, with the node it names and the file it is in.
struct Entry {
  std::string_view file;  ///< the SourceFile's name, which outlives the load
  yaml::NodePtr key;
  yaml::NodePtr value;
  [[nodiscard]] Location key_location() const { return location_of(file, key); }
  [[nodiscard]] Location value_location() const { return location_of(file, value); }
};

/// Typed reading of nodes of one file, reporting into the run's diagnostics.
class Reader {
 public:
  Reader(model::Diagnostics& diags, const LoadOptions& options) : diags_(diags), options_(options) {}

  void error(const Entry& e, const std::string& message) { diags_.error(e.value_location(), message); }

  /// Visits each key of a map, refusing unknown keys (with a suggestion) and
  /// keys given twice.  `what` names the map in messages ("service 'x'").
  void for_each_key(const Entry& map, const std::vector<std::string>& allowed, const std::string& what,
                    const std::function<void(const std::string&, const Entry&)>& visit) {
    if (!map.value->is_map()) {
      error(map, what + " must be a map of keys (" + join(allowed) + "), not " + kind(map.value));
      return;
    }
    // These maps hold a handful of known keys; more than kMaxKeysPerMap is not
    // a typo but a generated file, refused at once instead of one error per key.
    if (map.value->entries.size() > kMaxKeysPerMap) {
      error(map, what + " has " + std::to_string(map.value->entries.size()) + " keys; it takes at most " +
                     std::to_string(allowed.size()) + " (" + join(allowed) + ")");
      return;
    }
    // The first place of each key, to report one given twice: a scan of the
    // keys before it while they are few, hashed beyond, so that many keys
    // cost linear time rather than quadratic.
    constexpr size_t kScanned = 16;
    const auto& entries = map.value->entries;
    std::unordered_map<std::string_view, const yaml::NodePtr*> seen;
    if (entries.size() > kScanned) seen.reserve(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      const Entry e{map.file, entries[i].first, entries[i].second};
      if (!e.key->is_scalar()) {
        diags_.error(e.key_location(), "keys in " + what + " must be plain names");
        continue;
      }
      const std::string& key = e.key->scalar;
      const yaml::NodePtr* first = nullptr;
      if (entries.size() <= kScanned) {
        for (size_t j = 0; j < i && first == nullptr; ++j) {
          if (entries[j].first->is_scalar() && entries[j].first->scalar == key) first = &entries[j].first;
        }
      } else if (auto [prev, fresh] = seen.emplace(key, &entries[i].first); !fresh) {
        first = prev->second;
      }
      if (first != nullptr) {
        diags_.error(e.key_location(), "key '" + key + "' in " + what + " is defined twice (first at " +
                                           where(location_of(map.file, *first)) + ")");
        continue;
      }
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        diags_.error(e.key_location(), "unknown key '" + key + "' in " + what + did_you_mean(key, allowed));
        continue;
      }
      visit(key, e);
    }
  }

  std::optional<std::string> string(const Entry& e, const std::string& what) {
    if (!e.value->is_scalar() || e.value->scalar.empty()) {
      error(e, what + " must be a non-empty string, not " + kind(e.value));
      return std::nullopt;
    }
    return e.value->scalar;
  }

  std::optional<bool> boolean(const Entry& e, const std::string& what) {
    if (e.value->is_scalar() && e.value->plain) {
      if (e.value->scalar == "true") return true;
      if (e.value->scalar == "false") return false;
    }
    error(e, what + " must be true or false, not " + describe(e.value));
    return std::nullopt;
  }

  std::optional<uint64_t> count(const Entry& e, const std::string& what, uint64_t max) {
    uint64_t v = 0;
    if (e.value->is_scalar() && e.value->plain) {
      const std::string& s = e.value->scalar;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec == std::errc{} && end == s.data() + s.size() && !s.empty() && v <= max) return v;
    }
    error(e, what + " must be a whole number from 0 to " + std::to_string(max) + ", not " +
                 describe(e.value));
    return std::nullopt;
  }

  /// A quantity parsed by `parse` (CPUs, memory, ratio), with its error located.
  std::optional<int64_t> quantity(const Entry& e, const std::string& what,
                                  const std::function<Result<int64_t>(std::string_view)>& parse) {
    if (!e.value->is_scalar()) {
      error(e, what + " must be a single value, not " + kind(e.value));
      return std::nullopt;
    }
    auto r = parse(e.value->scalar);
    if (!r) {
      error(e, what + ": " + r.error().message);
      return std::nullopt;
    }
    return *r;
  }

  std::optional<std::map<std::string, std::string>> string_map(const Entry& e, const std::string& what) {
    if (!e.value->is_map()) {
      error(e, what + " must be a map of names to strings, not " + kind(e.value));
      return std::nullopt;
    }
    std::map<std::string, std::string> out;
    bool ok = true;
    for (const auto& [k, v] : e.value->entries) {
      Entry item{e.file, k, v};
      if (!k->is_scalar() || !v->is_scalar()) {
        diags_.error(item.key_location(), what + " entries must be name: value strings");
        ok = false;
        continue;
      }
      if (!out.emplace(k->scalar, v->scalar).second) {
        diags_.error(item.key_location(), "'" + k->scalar + "' appears twice in " + what);
        ok = false;
      }
    }
    return ok ? std::optional(out) : std::nullopt;
  }

  std::optional<std::vector<std::string>> string_list(const Entry& e, const std::string& what) {
    if (e.value->is_scalar()) return std::vector<std::string>{e.value->scalar};
    if (!e.value->is_sequence()) {
      error(e, what + " must be a list of strings, not " + kind(e.value));
      return std::nullopt;
    }
    std::vector<std::string> out;
    for (const yaml::NodePtr& item : e.value->items) {
      if (!item->is_scalar()) {
        diags_.error(location_of(e.file, item), what + " items must be strings, not " + kind(item));
        return std::nullopt;
      }
      out.push_back(item->scalar);
    }
    return out;
  }

  /// `~/x` -> $HOME/x; a relative path -> against the state directory.
  std::string path(const std::string& p) const {
    if (p.starts_with("~/") && !options_.home.empty()) return options_.home + p.substr(1);
    if (p.starts_with("/") || p.starts_with("~")) return p;
    return options_.base_dir == "." ? p : options_.base_dir + "/" + p;
  }

  static std::string kind(const yaml::NodePtr& n) {
    if (n->is_map()) return "a map";
    if (n->is_sequence()) return "a list";
    if (n->is_null()) return "empty";
    return "'" + n->scalar + "'";
  }
  static std::string describe(const yaml::NodePtr& n) { return kind(n); }
  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

 private:
  model::Diagnostics& diags_;
  const LoadOptions& options_;
};

/// `[user@]address[:port]`; IPv6 addresses in brackets: `root@[2001:db8::1]:22`.
std::optional<model::SshTarget> parse_ssh(const std::string& text, std::string* why) {
  model::SshTarget t;
  std::string rest = text;
  if (auto at = rest.find('@'); at != std::string::npos) {
    t.user = rest.substr(0, at);
    rest = rest.substr(at + 1);
    if (t.user.empty()) {
      *why = "the user before '@' is empty";
      return std::nullopt;
    }
  }
  std::string port;
  if (rest.starts_with("[")) {
    auto close = rest.find(']');
    if (close == std::string::npos) {
      *why = "unclosed '[' in the address";
      return std::nullopt;
    }
    t.address = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (rest.starts_with(":")) port = rest.substr(1);
    else if (!rest.empty()) {
      *why = "unexpected text after ']'";
      return std::nullopt;
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    t.address = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  } else {
    t.address = rest;
  }
  if (t.address.empty()) {
    *why = "the address is empty";
    return std::nullopt;
  }
  for (char c : t.address) {
    // Refuse anything an ssh client could read as an option or a second word.
    if (c == ' ' || c == '\t' || c == '/' || c == '\\' || t.address.front() == '-') {
      *why = "the address '" + t.address + "' is not a host name or IP address";
      return std::nullopt;
    }
  }
  if (!port.empty() || text.back() == ':') {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      *why = "the port '" + port + "' is not a number from 1 to 65535";
      return std::nullopt;
    }
    t.port = static_cast<uint16_t>(value);
  }
  return t;
}

/// The limits (`limits`) or reservations of a service.  Limits and
/// reservations below what the engine accepts are refused here, with the
/// engine's rule, rather than by dockerd when a task starts (quantity.h).
void read_resources(Reader& r, const Entry& e, const std::string& what, model::ResourceSpec& out,
                    bool limits) {
  r.for_each_key(e, {"cpus", "memory"}, what, [&](const std::string& key, const Entry& v) {
    if (key == "cpus") {
      out.nano_cpus = r.quantity(v, what + ".cpus", [](std::string_view s) { return model::parse_nano_cpus(s); });
      if (limits && out.nano_cpus && *out.nano_cpus < model::kEngineMinNanoCpus) {
        r.error(v, what + ".cpus " + model::format_cpus(*out.nano_cpus) +
                       " is below the engine's minimum CPU limit of 0.01: dockerd enforces a CPU limit as a "
                       "CFS quota per 100 ms period, and the kernel refuses a quota under 1 ms");
        out.nano_cpus.reset();
      }
    }
    if (key == "memory") {
      out.memory_bytes = r.quantity(v, what + ".memory", [](std::string_view s) {
        return model::parse_memory_bytes(s);
      });
      if (out.memory_bytes && *out.memory_bytes < model::kEngineMinMemoryBytes) {
        r.error(v, what + ".memory " + model::format_memory(*out.memory_bytes) + " is below the engine's minimum of " +
                       model::format_memory(model::kEngineMinMemoryBytes) + ": dockerd refuses a memory " +
                       (limits ? "limit" : "reservation") + " under 6 MiB (\"Minimum memory " +
                       (limits ? "limit" : "reservation") + " allowed is 6MB\")");
        out.memory_bytes.reset();
      }
    }
  });
}

/// Why `path` cannot be a docker_socket, if it cannot.  dial-stdio passes it
/// to the remote user's shell (`docker -H unix://PATH system dial-stdio`),
/// so it is an absolute path of plain characters only, quoted or not.
std::optional<std::string> docker_socket_problem(const std::string& path) {
  const std::string_view plain = "/._-+@:";
  for (unsigned char ch : path) {
    if (std::isalnum(ch) != 0 && ch < 0x80) continue;
    if (plain.find(static_cast<char>(ch)) != std::string_view::npos) continue;
    char shown[8];
    if (ch < 0x20 || ch >= 0x7f) {
      std::snprintf(shown, sizeof shown, "\\x%02x", ch);
    } else {
      std::snprintf(shown, sizeof shown, "%c", ch);
    }
    return std::string("may hold only letters, digits and / . _ - + @ : (it reaches a remote shell "
                       "through dial-stdio), not '") +
           shown + "'";
  }
  if (!path.starts_with("/")) return "must be an absolute path, not '" + path + "'";
  return std::nullopt;
}

model::Host read_host(Reader& r, const std::string& name, const Entry& e, model::Diagnostics& diags) {
  model::Host h;
  h.name = name;
  h.node = name;
  h.where = e.key_location();
  const std::string what = "host '" + name + "'";
  bool have_ssh = false;
  bool have_capacity = false;
  r.for_each_key(
      e, {"ssh", "identity", "node", "docker_socket", "transport", "capacity", "cpu_overcommit", "memory_overcommit"},
      what, [&](const std::string& key, const Entry& v) {
        if (key == "ssh") {
          have_ssh = true;
          if (auto s = r.string(v, what + " ssh")) {
            std::string why;
            if (auto t = parse_ssh(*s, &why)) h.ssh = *t;
            else r.error(v, what + " ssh '" + *s + "': " + why + "; expected user@host[:port]");
          }
        } else if (key == "identity") {
          if (auto s = r.string(v, what + " identity")) h.identity = r.path(*s);
        } else if (key == "node") {
          if (auto s = r.string(v, what + " node")) h.node = *s;
        } else if (key == "docker_socket") {
          if (auto s = r.string(v, what + " docker_socket")) {
            if (auto why = docker_socket_problem(*s)) r.error(v, what + " docker_socket " + *why);
            else h.docker_socket = *s;
          }
        } else if (key == "transport") {
          if (auto s = r.string(v, what + " transport")) {
            if (*s == "auto") h.transport = model::TransportMode::automatic;
            else if (*s == "streamlocal") h.transport = model::TransportMode::streamlocal;
            else if (*s == "dial-stdio") h.transport = model::TransportMode::dial_stdio;
            else r.error(v, what + " transport must be auto, streamlocal or dial-stdio, not '" + *s + "'" +
                                did_you_mean(*s, {"auto", "streamlocal", "dial-stdio"}));
          }
        } else if (key == "capacity") {
          have_capacity = true;
          bool cpus = false;
          bool memory = false;
          r.for_each_key(v, {"cpus", "memory"}, what + " capacity", [&](const std::string& k, const Entry& q) {
            if (k == "cpus") {
              cpus = true;
              h.capacity.nano_cpus = r.quantity(q, what + " capacity.cpus", [](std::string_view s) {
                return model::parse_nano_cpus(s);
              }).value_or(0);
            } else {
              memory = true;
              h.capacity.memory_bytes = r.quantity(q, what + " capacity.memory", [](std::string_view s) {
                return model::parse_memory_bytes(s);
              }).value_or(0);
            }
          });
          if (v.value->is_map() && (!cpus || !memory)) {
            r.error(v, what + " capacity needs both cpus and memory, e.g. {cpus: 4, memory: 16GiB}");
          }
        } else if (key == "cpu_overcommit") {
          h.cpu_overcommit = r.quantity(v, what + " cpu_overcommit", model::parse_ratio);
        } else if (key == "memory_overcommit") {
          h.memory_overcommit = r.quantity(v, what + " memory_overcommit", model::parse_ratio);
        }
      });
  if (e.value->is_map()) {
    if (!have_ssh) diags.error(h.where, what + " has no 'ssh' (expected user@host[:port])");
    if (!have_capacity) diags.error(h.where, what + " has no 'capacity' (e.g. {cpus: 4, memory: 16GiB})");
  }
  return h;
}

std::optional<model::PortSpec> read_port(Reader& r, const Entry& e, const std::string& what) {
  model::PortSpec p;
  bool have_target = false;
  r.for_each_key(e, {"published", "target", "protocol"}, what, [&](const std::string& key, const Entry& v) {
    if (key == "protocol") {
      if (auto s = r.string(v, what + " protocol")) {
        if (*s == "tcp" || *s == "udp" || *s == "sctp") p.protocol = *s;
        else r.error(v, what + " protocol must be tcp, udp or sctp");
      }
      return;
    }
    auto n = r.count(v, what + " " + key, 65535);
    if (key == "published" && n) p.published = static_cast<uint16_t>(*n);
    if (key == "target" && n) {
      p.target = static_cast<uint16_t>(*n);
      have_target = true;
    }
  });
  if (e.value->is_map() && !have_target) {
    r.error(e, what + " needs a target port");
    return std::nullopt;
  }
  return p;
}

model::Service read_service(Reader& r, const std::string& name, const Entry& e) {
  model::Service s;
  s.name = name;
  s.match = name;
  s.where = e.key_location();
  const std::string what = "service '" + name + "'";
  r.for_each_key(e,
                 {"match", "host", "replicas", "limits", "reservations", "allow_data_move", "image", "command",
                  "env", "labels", "ports"},
                 what, [&](const std::string& key, const Entry& v) {
                   if (key == "match") {
                     if (auto m = r.string(v, what + " match")) {
                       std::string why;
                       if (valid_glob(*m, &why)) s.match = *m;
                       else r.error(v, what + " match '" + *m + "' is not a valid glob: " + why);
                     }
                   } else if (key == "host") {
                     if (auto h = r.string(v, what + " host")) s.host = *h;
                     s.host_where = v.value_location();
                   } else if (key == "replicas") {
                     s.replicas = r.count(v, what + " replicas", 100000);
                   } else if (key == "limits") {
                     read_resources(r, v, what + " limits", s.limits, true);
                   } else if (key == "reservations") {
                     read_resources(r, v, what + " reservations", s.reservations, false);
                   } else if (key == "allow_data_move") {
                     s.allow_data_move = r.boolean(v, what + " allow_data_move").value_or(false);
                   } else if (key == "image") {
                     s.image = r.string(v, what + " image");
                   } else if (key == "command") {
                     s.command = r.string_list(v, what + " command").value_or(std::vector<std::string>{});
                   } else if (key == "env") {
                     s.env = r.string_map(v, what + " env").value_or(std::map<std::string, std::string>{});
                   } else if (key == "labels") {
                     s.labels = r.string_map(v, what + " labels").value_or(std::map<std::string, std::string>{});
                   } else if (key == "ports") {
                     if (!v.value->is_sequence()) {
                       r.error(v, what + " ports must be a list of {published, target, protocol}");
                       return;
                     }
                     for (size_t i = 0; i < v.value->items.size(); ++i) {
                       Entry item{v.file, v.value->items[i], v.value->items[i]};
                       if (auto p = read_port(r, item, what + " ports[" + std::to_string(i) + "]")) {
                         s.ports.push_back(*p);
                       }
                     }
                   }
                 });
  if (!e.value->is_map()) return s;
  if (s.host.empty()) r.error(e, what + " has no 'host': say which host it runs on");
  for (const char* field : {"cpus", "memory"}) {
    bool cpu = std::string(field) == "cpus";
    auto limit = cpu ? s.limits.nano_cpus : s.limits.memory_bytes;
    auto reservation = cpu ? s.reservations.nano_cpus : s.reservations.memory_bytes;
    if (limit && reservation && *reservation > *limit) {
      auto fmt = cpu ? model::format_cpus : model::format_memory;
      r.error(e, what + " reserves more " + (cpu ? "CPU" : "memory") + " (" + fmt(*reservation) +
                     ") than its limit (" + fmt(*limit) + ")");
    }
  }
  return s;
}

void read_policy(Reader& r, const Entry& v, const std::string& key, model::Policy& p) {
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

const std::vector<std::string> kTopLevel{"version", "cluster", "hosts", "known_hosts", "policy", "services"};
const std::vector<std::string> kPolicyKeys{"cpu_overcommit", "memory_overcommit", "unmanaged", "require_limits",
                                           "prune"};

}  // namespace

Loaded load_desired_state(const std::vector<model::SourceFile>& input, const LoadOptions& options) {
  Loaded out;
  model::Diagnostics& diags = out.diagnostics;
  Reader r(diags, options);
  std::vector<const model::SourceFile*> files;
  for (const auto& f : input) files.push_back(&f);
  std::sort(files.begin(), files.end(), [](auto* a, auto* b) { return a->name < b->name; });

  // Sections merge across files; each entry of a merged section may be given once.
  std::map<std::string, Entry> hosts;
  std::map<std::string, Entry> services;
  std::map<std::string, Entry> cluster;
  std::map<std::string, Entry> policy;
  std::optional<Entry> known_hosts;
  std::optional<Entry> version;
  model::DesiredState state;

  auto merge = [&](const Entry& section, const std::vector<std::string>* allowed, const std::string& what,
                   const std::string& noun, std::map<std::string, Entry>& into) {
    if (section.value->is_null()) return;  // `services:` with nothing under it
    if (!section.value->is_map()) {
      r.error(section, what + " must be a map, not " + Reader::kind(section.value));
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
        diags.error(e.key_location(), noun + " '" + key + "' is defined twice (first at " +
                                          where(prev->second.key_location()) + ")");
      }
    }
  };

  for (const model::SourceFile* file : files) {
    state.files.push_back(file->name);
    auto root = parse_document(*file, diags);
    if (!root) continue;
    Entry whole{file->name, *root, *root};
    r.for_each_key(whole, kTopLevel, "the desired state", [&](const std::string& key, const Entry& e) {
      if (key == "version") {
        auto v = r.count(e, "version", 1000);
        if (v && *v != 1) r.error(e, "version " + std::to_string(*v) + " is not supported: this swarmform reads version 1");
        if (!version) version = e;
      } else if (key == "known_hosts") {
        if (known_hosts) {
          diags.error(e.key_location(),
                      "known_hosts is defined twice (first at " + where(known_hosts->key_location()) + ")");
        } else {
          known_hosts = e;
        }
      } else if (key == "cluster") {
        static const std::vector<std::string> keys{"manager"};
        merge(e, &keys, "cluster", "cluster key", cluster);
      } else if (key == "policy") {
        merge(e, &kPolicyKeys, "policy", "policy key", policy);
      } else if (key == "hosts") {
        merge(e, nullptr, "hosts", "host", hosts);
      } else if (key == "services") {
        merge(e, nullptr, "services", "service", services);
      }
    });
  }
  if (files.empty()) {
    diags.error({options.base_dir, 0, 0}, "no desired-state files (*.yaml, *.yml) found");
    return out;
  }
  if (!version && !diags.has_errors()) {
    diags.error({files.front()->name, 1, 1}, "no 'version: 1' in any desired-state file: add it to one");
  }
  state.version = 1;

  for (const auto& [name, e] : hosts) state.hosts.emplace(name, read_host(r, name, e, diags));
  // Each service's tree is let go once read, so that the tree and the model
  // of a large state are not both held whole.
  for (auto it = services.begin(); it != services.end(); it = services.erase(it)) {
    state.services.emplace(it->first, read_service(r, it->first, it->second));
  }
  for (const auto& [key, e] : policy) read_policy(r, e, key, state.policy);
  if (known_hosts) {
    if (auto s = r.string(*known_hosts, "known_hosts")) state.known_hosts = r.path(*s);
  }

  std::vector<std::string> host_names;
  for (const auto& [name, h] : state.hosts) host_names.push_back(name);
  if (auto it = cluster.find("manager"); it != cluster.end()) {
    if (auto m = r.string(it->second, "cluster.manager")) {
      state.manager = *m;
      if (!state.hosts.contains(*m)) {
        r.error(it->second, "cluster.manager '" + *m + "' is not a declared host" + did_you_mean(*m, host_names));
      }
    }
  } else if (!state.hosts.empty()) {
    diags.error({files.front()->name, 1, 1}, "no cluster.manager: say which host's engine is the swarm manager");
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

  diags.sort();
  if (!diags.has_errors()) out.state = std::move(state);
  return out;
}

}  // namespace swarmform::config
