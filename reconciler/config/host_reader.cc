#include "reconciler/config/host_reader.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <optional>
#include <string_view>

#include "reconciler/config/suggest.h"
#include "reconciler/model/quantity.h"

namespace swarmform::config {
namespace {

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

void read_transport(YamlReader& r, const Entry& v, const std::string& what, model::Host& h) {
  if (auto s = r.string(v, what + " transport")) {
    if (*s == "auto") h.transport = model::TransportMode::automatic;
    else if (*s == "streamlocal") h.transport = model::TransportMode::streamlocal;
    else if (*s == "dial-stdio") h.transport = model::TransportMode::dial_stdio;
    else r.error(v, what + " transport must be auto, streamlocal or dial-stdio, not '" + *s + "'" +
                        did_you_mean(*s, {"auto", "streamlocal", "dial-stdio"}));
  }
}

/// `capacity: {cpus, memory}`, both required; one that does not read is 0.
void read_capacity(YamlReader& r, const Entry& v, const std::string& what, model::Capacity& capacity) {
  bool cpus = false;
  bool memory = false;
  r.for_each_key(v, {"cpus", "memory"}, what + " capacity", [&](const std::string& k, const Entry& q) {
    if (k == "cpus") {
      cpus = true;
      capacity.nano_cpus = r.quantity(q, what + " capacity.cpus", [](std::string_view s) {
        return model::parse_nano_cpus(s);
      }).value_or(0);
    } else {
      memory = true;
      capacity.memory_bytes = r.quantity(q, what + " capacity.memory", [](std::string_view s) {
        return model::parse_memory_bytes(s);
      }).value_or(0);
    }
  });
  if (v.value->is_map() && (!cpus || !memory)) {
    r.error(v, what + " capacity needs both cpus and memory, e.g. {cpus: 4, memory: 16GiB}");
  }
}

}  // namespace

model::Host read_host(YamlReader& r, const std::string& name, const Entry& e) {
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
          read_transport(r, v, what, h);
        } else if (key == "capacity") {
          have_capacity = true;
          read_capacity(r, v, what, h.capacity);
        } else if (key == "cpu_overcommit") {
          h.cpu_overcommit = r.quantity(v, what + " cpu_overcommit", model::parse_ratio);
        } else if (key == "memory_overcommit") {
          h.memory_overcommit = r.quantity(v, what + " memory_overcommit", model::parse_ratio);
        }
      });
  if (e.value->is_map()) {
    if (!have_ssh) r.error(h.where, what + " has no 'ssh' (expected user@host[:port])");
    h.capacity_declared = have_capacity;
    if (!have_capacity && !r.options().capacity_optional) {
      r.error(h.where, what + " has no 'capacity' (e.g. {cpus: 4, memory: 16GiB}; `swarmform import` fills it in from the node)");
    }
  }
  return h;
}

}  // namespace swarmform::config
