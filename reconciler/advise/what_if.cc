// --what-if HOST.cpus=N / HOST.memory=SIZE (what_if.h): the quantity is read
// by the parser the loader reads `capacity:` with, so what the flag accepts
// is what the YAML would.

#include "reconciler/advise/what_if.h"

#include "reconciler/model/quantity.h"

namespace swarmform::advise {

Result<std::string> apply_what_if(model::DesiredState& desired, const std::string& spec) {
  const std::string flag = "--what-if " + spec;
  const size_t eq = spec.find('=');
  // The last dot before `=`: a host's name may have dots, the field has none.
  const size_t dot = eq == std::string::npos ? std::string::npos : spec.rfind('.', eq);
  if (eq == std::string::npos || dot == std::string::npos || dot == 0) {
    return fail(flag +
                ": expected HOST.cpus=N or HOST.memory=SIZE (e.g. kvm4.cpus=8, kvm4.memory=32GiB)");
  }
  const std::string host = spec.substr(0, dot);
  const std::string field = spec.substr(dot + 1, eq - dot - 1);
  const std::string value = spec.substr(eq + 1);

  auto it = desired.hosts.find(host);
  if (it == desired.hosts.end()) {
    std::string declared;
    for (const auto& [name, h] : desired.hosts) declared += (declared.empty() ? "" : ", ") + name;
    return fail(flag + ": no host " + host +
                " (declared: " + (declared.empty() ? "none" : declared) + ")");
  }
  model::Capacity& capacity = it->second.capacity;
  const bool declared = it->second.capacity_declared;
  if (field == "cpus") {
    const Result<int64_t> nano = model::parse_nano_cpus(value);
    if (!nano) return fail(nano.error().wrap(flag));
    const std::string before = declared ? model::format_cpus(capacity.nano_cpus) : "none";
    capacity.nano_cpus = *nano;
    return host + ".cpus=" + model::format_cpus(*nano) + " (declared " + before + ")";
  }
  if (field == "memory") {
    const Result<int64_t> bytes = model::parse_memory_bytes(value);
    if (!bytes) return fail(bytes.error().wrap(flag));
    const std::string before = declared ? model::format_memory(capacity.memory_bytes) : "none";
    capacity.memory_bytes = *bytes;
    return host + ".memory=" + model::format_memory(*bytes) + " (declared " + before + ")";
  }
  return fail(flag + ": only cpus and memory can be changed");
}

}  // namespace swarmform::advise
