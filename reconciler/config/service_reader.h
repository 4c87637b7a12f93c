#pragma once
// One entry of `services:` read into a model::Service.

#include <string>

#include "reconciler/config/yaml_reader.h"
#include "reconciler/model/desired.h"

namespace swarmform::config {

/// The service `name` declared by `e`.  Every problem is reported through
/// `r`, including one the service's own values show (a reservation above
/// its limit); references to hosts are checked by the loader, which knows
/// them all.
model::Service read_service(YamlReader& r, const std::string& name, const Entry& e);

}  // namespace swarmform::config
