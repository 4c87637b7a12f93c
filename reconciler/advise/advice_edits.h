#pragma once
// `advise --write`: the advice as edits of the files that declare each
// service, made by the YAML editor (adopt/value_edit.h, config/yaml_edit.h):
// only the changed limits, reservations and `host:` lines change.

#include <vector>

#include "reconciler/adopt/value_edit.h"
#include "reconciler/advise/advice.h"
#include "reconciler/model/desired.h"

namespace swarmform::advise {

/// One edit per changed value of every service whose advice changes it, in
/// the file that declares the service (model::Service::where.file), in
/// service name order then host, limits.cpus, limits.memory,
/// reservations.cpus, reservations.memory.  Values are written as the loader
/// reads them ("0.35", "620MiB"); `what` is "api: limits.cpus 1 -> 0.35".
/// Empty when the advice does not fit (nothing to write).
std::vector<adopt::ValueEdit> advice_edits(const model::DesiredState& desired, const Advice& advice);

}  // namespace swarmform::advise
