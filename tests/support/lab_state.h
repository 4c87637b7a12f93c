#pragma once
// Desired states and services for tests against the lab.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reconciler/transport/ssh_options.h"
#include "support/lab.h"

namespace swarmform::testing {

/// Writes a desired state that targets the lab (hosts kvm4 and kvm2 through
/// their sshd ports, the lab's key and known_hosts) into a new temp dir, with
/// `services_yaml` appended (a `services:` block or empty).  Returns the dir.
std::string write_lab_state(const Lab& lab, const std::string& services_yaml,
                            const std::string& extra_policy = "");

/// SSH options for kvm4's sshd (the lab's key, known_hosts and socket).
transport::SshOptions kvm4_ssh_options(const Lab& lab,
                                       model::TransportMode mode = model::TransportMode::streamlocal);

/// A policy that lets any plan through the budgets: other tests share the
/// lab, their services must not block a test's plan.
inline constexpr const char* kWideBudget = "  cpu_overcommit: 100\n  memory_overcommit: 100\n";

/// `docker -H unix://KVM4_SOCKET ARGS` on the manager; returns stdout, *status the exit code.
std::string docker(const Lab& lab, const std::string& args, int* status = nullptr);

/// `docker service create --detach --no-resolve-image --name NAME FLAGS LAB_IMAGE`;
/// asserts it succeeded: call it in ASSERT_NO_FATAL_FAILURE (or check
/// HasFatalFailure()), as an ASSERT here ends only this function.
void create_service(const Lab& lab, const std::string& name, const std::string& flags);

/// create_service, then waits until `replicas` tasks run (asserted the same way).
void create_with_cli(const Lab& lab, const std::string& name, const std::string& flags,
                     int replicas = 1);

/// `docker service inspect NAME`, parsed (the object, not the array).
nlohmann::json service_json(const Lab& lab, const std::string& name);

/// The service's CPU limit in nano CPUs as the CLI prints it ("500000000").
std::string cpu_limit_of(const Lab& lab, const std::string& name);

/// A service name unique to this test process: "sf-<tag>-<pid>".
std::string unique_name(const std::string& tag);

/// Waits (up to `seconds`) until `service` has `replicas` running tasks.
bool wait_running(const Lab& lab, const std::string& service, int replicas, int seconds = 60);

/// Removes the services when it goes out of scope (also when a test fails).
class ServiceCleanup {
 public:
  ServiceCleanup(const Lab& lab, std::vector<std::string> names) : lab_(lab), names_(std::move(names)) {}
  ~ServiceCleanup();
  ServiceCleanup(const ServiceCleanup&) = delete;
  ServiceCleanup& operator=(const ServiceCleanup&) = delete;

 private:
  const Lab& lab_;
  std::vector<std::string> names_;
};

}  // namespace swarmform::testing
