#include "reconciler/adopt/import_yaml.h"

#include "reconciler/config/yaml_scalar.h"
#include "reconciler/model/quantity.h"

namespace swarmform::adopt {
namespace {

std::string resources_value(const model::ResourceSpec& r) {
  std::string out;
  if (r.nano_cpus) out += "cpus: " + model::format_cpus(*r.nano_cpus);
  if (r.memory_bytes) out += std::string(out.empty() ? "" : ", ") + "memory: " + model::format_memory(*r.memory_bytes);
  return "{" + out + "}";
}

std::string with_comment(std::string line, const std::string& comment) {
  return comment.empty() ? line + "\n" : line + "  # " + comment + "\n";
}

}  // namespace

std::string yaml_scalar(std::string_view text) {
  return config::yaml_scalar(text, config::ScalarReader::any_yaml, config::ScalarContext::block);
}

std::string service_entries(const std::vector<ImportedService>& services, int indent) {
  const std::string key_pad(static_cast<size_t>(indent), ' ');
  const std::string pad(static_cast<size_t>(indent) + 2, ' ');
  std::string out;
  for (const ImportedService& s : services) {
    out += key_pad + yaml_scalar(s.key) + ":\n";
    if (!s.managed_by_comment.empty()) out += pad + "# " + s.managed_by_comment + "\n";
    if (s.match) out += pad + "match: " + yaml_scalar(*s.match) + "\n";
    if (s.mode != model::ServiceMode::replicated) {
      out += with_comment(pad + "mode: " + model::service_mode_name(s.mode), s.mode_comment);
    }
    if (!s.host.empty()) out += pad + "host: " + yaml_scalar(s.host) + "\n";
    else if (!s.host_comment.empty()) out += pad + "# " + s.host_comment + "\n";
    if (s.replicas) out += pad + "replicas: " + std::to_string(*s.replicas) + "\n";
    if (s.limits.nano_cpus || s.limits.memory_bytes) {
      out += with_comment(pad + "limits: " + resources_value(s.limits), s.limits_comment);
    } else if (!s.limits_comment.empty()) {
      out += pad + "# " + s.limits_comment + "\n";
    }
    if (s.reservations.nano_cpus || s.reservations.memory_bytes) {
      out += pad + "reservations: " + resources_value(s.reservations) + "\n";
    }
  }
  return out;
}

std::string services_file(const std::vector<ImportedService>& services, const FileHeader& header) {
  std::string out;
  if (!header.modeline.empty()) out += header.modeline + "\n#\n";
  out += "# Imported from the swarm by `swarmform import` on " + header.date + " (manager " + header.manager +
         (header.engine.empty() ? "" : ", Docker " + header.engine) + ").\n";
  out += "# Each entry declares what runs now, so `swarmform plan` shows no changes;\n";
  out += "# `swarmform validate` shows where the limits exceed a host's capacity.\n";
  out += "services:\n";
  out += service_entries(services, 2);
  return out;
}

std::string capacity_value(const model::Capacity& capacity) {
  return "{cpus: " + model::format_cpus(capacity.nano_cpus) + ", memory: " + model::format_memory(capacity.memory_bytes) +
         "}";
}

std::vector<ValueEdit> host_fill_edits(const model::DesiredState& desired, const HostFill& fill) {
  const model::Host& host = desired.hosts.at(fill.host);
  std::vector<ValueEdit> edits;
  if (fill.node) {
    edits.push_back({host.where.file, {"hosts", fill.host, "node"}, *fill.node, "the swarm node's hostname",
                     fill.host + ": node " + *fill.node});
  }
  if (fill.capacity) {
    edits.push_back({host.where.file, {"hosts", fill.host, "capacity", "cpus"},
                     model::format_cpus(fill.capacity->nano_cpus), "", ""});
    edits.push_back({host.where.file, {"hosts", fill.host, "capacity", "memory"},
                     model::format_memory(fill.capacity->memory_bytes),
                     fill.node_reports + (fill.memory_rounded ? " (rounded down to MiB)" : ""),
                     fill.host + ": capacity " + capacity_value(*fill.capacity) + " (" + fill.node_reports + ")"});
  }
  return edits;
}

}  // namespace swarmform::adopt
