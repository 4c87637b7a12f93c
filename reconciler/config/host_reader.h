#pragma once
// One entry of `hosts:` read into a model::Host.

#include <string>

#include "reconciler/config/yaml_reader.h"
#include "reconciler/model/desired.h"

namespace swarmform::config {

/// The host `name` declared by `e`.  Every problem is reported through `r`;
/// what could not be read keeps its default (an ssh address that does not
/// parse, for instance, stays empty).
model::Host read_host(YamlReader& r, const std::string& name, const Entry& e);

}  // namespace swarmform::config
