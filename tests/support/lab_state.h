#pragma once
// Desired states and services for tests against the lab.

#include <string>

#include "support/lab.h"

namespace swarmform::testing {

/// Writes a desired state that targets the lab (hosts kvm4 and kvm2 through
/// their sshd ports, the lab's key and known_hosts) into a new temp dir, with
/// `services_yaml` appended (a `services:` block or empty).  Returns the dir.
std::string write_lab_state(const Lab& lab, const std::string& services_yaml,
                            const std::string& extra_policy = "");

/// `docker -H unix://KVM4_SOCKET ARGS` on the manager; returns stdout, *status the exit code.
std::string docker(const Lab& lab, const std::string& args, int* status = nullptr);

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
