#pragma once
// --what-if HOST.cpus=N / HOST.memory=SIZE: a host's capacity changed for the
// computation only (the report's "what if KVM4 had 8 CPUs?").

#include <string>

#include "reconciler/model/desired.h"
#include "reconciler/util/result.h"

namespace swarmform::advise {

/// Sets the capacity `spec` names on `desired`'s host and returns what was
/// done, "kvm4.cpus=8 (declared 4)".  Errors name the flag's text: an
/// unknown host (with the declared ones), a field other than cpus or
/// memory, a quantity the loader would refuse for a capacity.
Result<std::string> apply_what_if(model::DesiredState& desired, const std::string& spec);

}  // namespace swarmform::advise
