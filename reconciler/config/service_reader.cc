#include "reconciler/config/service_reader.h"

#include <array>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "reconciler/config/suggest.h"
#include "reconciler/model/quantity.h"
#include "reconciler/model/replicas.h"
#include "reconciler/util/glob.h"

namespace swarmform::config {
namespace {

/// The limits (`limits`) or reservations of a service.  Limits and
/// reservations below what the engine accepts are refused here, with the
/// engine's rule, rather than by dockerd when a task starts (quantity.h).
void read_resources(YamlReader& r, const Entry& e, const std::string& what, model::ResourceSpec& out,
                    bool limits) {
  r.for_each_key(e, {"cpus", "memory"}, what, [&](const std::string& key, const Entry& v) {
    if (key == "cpus") {
      out.nano_cpus = r.quantity(v, what + ".cpus", [](std::string_view s) { return model::parse_nano_cpus(s); });
      if (limits && out.nano_cpus && *out.nano_cpus < model::kEngineMinNanoCpus) {
        r.error(v, what + ".cpus " + model::format_cpus(*out.nano_cpus) +
                       " is below the engine's minimum CPU limit of 0.01: dockerd enforces a CPU limit as a "
                       "CFS quota per 100 ms period, and the kernel refuses a quota under 1 ms");
        out.nano_cpus.reset();
      } else if (!limits && out.nano_cpus && *out.nano_cpus < model::kSwarmMinNanoCpus) {
        r.error(v, what + ".cpus " + model::format_cpus(*out.nano_cpus) +
                       " is below the swarm's minimum of 0.001: the swarm manager refuses a smaller CPU value");
        out.nano_cpus.reset();
      }
    }
    if (key == "memory") {
      out.memory_bytes = r.quantity(v, what + ".memory", [](std::string_view s) {
        return model::parse_memory_bytes(s);
      });
      if (limits && out.memory_bytes && *out.memory_bytes < model::kEngineMinMemoryBytes) {
        r.error(v, what + ".memory " + model::format_memory(*out.memory_bytes) + " is below the engine's minimum of " +
                       model::format_memory(model::kEngineMinMemoryBytes) +
                       ": dockerd refuses a memory limit under 6 MiB (\"Minimum memory limit allowed is 6MB\")");
        out.memory_bytes.reset();
      } else if (!limits && out.memory_bytes && *out.memory_bytes < model::kSwarmMinMemoryBytes) {
        r.error(v, what + ".memory " + model::format_memory(*out.memory_bytes) + " is below the swarm's minimum of " +
                       model::format_memory(model::kSwarmMinMemoryBytes) +
                       ": the swarm manager refuses a memory value under 4 MiB (\"Must be at least 4MiB\")");
        out.memory_bytes.reset();
      }
    }
  });
}

std::optional<model::PortSpec> read_port(YamlReader& r, const Entry& e, const std::string& what) {
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

/// `ports:`, a list of {published, target, protocol}; the ports that read.
std::vector<model::PortSpec> read_ports(YamlReader& r, const Entry& v, const std::string& what) {
  std::vector<model::PortSpec> ports;
  if (!v.value->is_sequence()) {
    r.error(v, what + " ports must be a list of {published, target, protocol}");
    return ports;
  }
  for (size_t i = 0; i < v.value->items.size(); ++i) {
    Entry item{v.file, v.value->items[i], v.value->items[i]};
    if (auto p = read_port(r, item, what + " ports[" + std::to_string(i) + "]")) ports.push_back(*p);
  }
  return ports;
}

/// A reservation above its limit could never be granted within it.
void check_reservations_within_limits(YamlReader& r, const Entry& e, const std::string& what,
                                      const model::Service& s) {
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
}

constexpr std::array kModes = {model::ServiceMode::replicated, model::ServiceMode::global,
                               model::ServiceMode::replicated_job, model::ServiceMode::global_job};

/// `mode:`, one of the names service_mode_name() gives.
std::optional<model::ServiceMode> read_mode(YamlReader& r, const Entry& v, const std::string& what) {
  auto text = r.string(v, what + " mode");
  if (!text) return std::nullopt;
  std::vector<std::string> names;
  for (model::ServiceMode m : kModes) {
    if (*text == model::service_mode_name(m)) return m;
    names.emplace_back(model::service_mode_name(m));
  }
  r.error(v, what + " mode must be replicated, global, replicated-job or global-job, not '" + *text + "'" +
                 did_you_mean(*text, names));
  return std::nullopt;
}

/// What a mode rules out: a replica count outside replicated mode, and a
/// create (`image`) of a job, which swarmform does not run.
void check_mode(YamlReader& r, const std::string& what, const model::Service& s,
                const std::optional<Entry>& replicas_at, const std::optional<Entry>& image_at) {
  const std::string mode = model::service_mode_name(s.mode);
  if (replicas_at && s.mode != model::ServiceMode::replicated) {
    r.error(replicas_at->key_location(), what + " declares replicas in " + mode +
                              " mode: only replicated services have a replica count (remove `replicas`)");
  }
  bool job = s.mode == model::ServiceMode::replicated_job || s.mode == model::ServiceMode::global_job;
  if (image_at && job) {
    r.error(image_at->key_location(), what + " declares an image in " + mode +
                           " mode: swarmform does not create jobs (create it with `docker service create --mode " +
                           mode + "`, then declare it without `image`)");
  }
}

}  // namespace

model::Service read_service(YamlReader& r, const std::string& name, const Entry& e) {
  model::Service s;
  s.name = name;
  s.match = name;
  s.where = e.key_location();
  const std::string what = "service '" + name + "'";
  std::optional<Entry> replicas_at;
  std::optional<Entry> image_at;
  r.for_each_key(e,
                 {"match", "host", "mode", "replicas", "limits", "reservations", "allow_data_move", "image", "command",
                  "env", "labels", "ports"},
                 what, [&](const std::string& key, const Entry& v) {
                   if (key == "match") {
                     if (auto m = r.string(v, what + " match")) {
                       std::string why;
                       if (valid_glob(*m, &why)) s.match = *m;
                       else r.error(v, what + " match '" + *m + "' is not a valid glob: " + why);
                     }
                   } else if (key == "host") {
                     if (auto h = r.string(v, what + " host")) s.host = *h;  // never empty: r.string refuses ''
                     s.host_where = v.value_location();
                   } else if (key == "mode") {
                     if (auto m = read_mode(r, v, what)) s.mode = *m;
                   } else if (key == "replicas") {
                     s.replicas = r.count(v, what + " replicas", model::kMaxReplicas);
                     replicas_at = v;
                   } else if (key == "limits") {
                     read_resources(r, v, what + " limits", s.limits, true);
                   } else if (key == "reservations") {
                     read_resources(r, v, what + " reservations", s.reservations, false);
                   } else if (key == "allow_data_move") {
                     s.allow_data_move = r.boolean(v, what + " allow_data_move").value_or(false);
                   } else if (key == "image") {
                     s.image = r.string(v, what + " image");
                     image_at = v;
                   } else if (key == "command") {
                     s.command = r.string_list(v, what + " command").value_or(std::vector<std::string>{});
                   } else if (key == "env") {
                     s.env = r.string_map(v, what + " env").value_or(std::map<std::string, std::string>{});
                   } else if (key == "labels") {
                     s.labels = r.string_map(v, what + " labels").value_or(std::map<std::string, std::string>{});
                   } else if (key == "ports") {
                     s.ports = read_ports(r, v, what);
                   }
                 });
  if (!e.value->is_map()) return s;
  check_mode(r, what, s, replicas_at, image_at);
  check_reservations_within_limits(r, e, what, s);
  return s;
}

}  // namespace swarmform::config
