#pragma once
// The lab manager's engine API for tests that drive the apply building blocks
// directly (not through the CLI).

#include <nlohmann/json.hpp>
#include <string>

#include "reconciler/engine/docker_client.h"
#include "reconciler/transport/stream.h"
#include "support/lab.h"

namespace swarmform::testing {

/// A client of kvm4's engine through its unix socket (or through `dialer`
/// when given); throws when it cannot connect.
engine::DockerClient connect_kvm4(const Lab& lab, transport::Dialer dialer = {});

/// The service's Spec as the engine returns it; throws when it cannot be read.
nlohmann::json spec_of(engine::DockerClient& client, const std::string& name);

}  // namespace swarmform::testing
