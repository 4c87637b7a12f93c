#include "support/lab_engine.h"

#include <stdexcept>
#include <utility>

#include "support/unix_stream.h"

namespace swarmform::testing {

engine::DockerClient connect_kvm4(const Lab& lab, transport::Dialer dialer) {
  auto client = engine::DockerClient::connect(dialer ? std::move(dialer)
                                                     : unix_dialer(lab.get("KVM4_SOCKET")));
  if (!client) throw std::runtime_error(client.error().message);
  return std::move(*client);
}

nlohmann::json spec_of(engine::DockerClient& client, const std::string& name) {
  auto s = client.inspect_service(name);
  if (!s) throw std::runtime_error(s.error().message);
  return (*s)["Spec"];
}

}  // namespace swarmform::testing
