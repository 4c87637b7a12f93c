#include "support/lab_state.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "support/process.h"

namespace swarmform::testing {

std::string write_lab_state(const Lab& lab, const std::string& services_yaml, const std::string& extra_policy) {
  std::string dir = make_temp_dir("sf-labstate");
  auto host = [&](const std::string& name, const std::string& port_key, const std::string& socket_key) {
    return "  " + name + ":\n    ssh: " + lab.get("SSH_USER") + "@" + lab.get("SSH_HOST") + ":" + lab.get(port_key) +
           "\n    identity: " + lab.get("SSH_IDENTITY") + "\n    docker_socket: " + lab.get(socket_key) +
           "\n    capacity: {cpus: 2, memory: 4GiB}\n";
  };
  write_file(dir + "/cluster.yaml", "version: 1\ncluster:\n  manager: kvm4\nhosts:\n" +
                                        host("kvm4", "KVM4_SSH_PORT", "KVM4_SOCKET") +
                                        host("kvm2", "KVM2_SSH_PORT", "KVM2_SOCKET") +
                                        "known_hosts: " + lab.get("SSH_KNOWN_HOSTS") + "\npolicy:\n  unmanaged: ignore\n" +
                                        extra_policy);
  if (!services_yaml.empty()) write_file(dir + "/services.yaml", services_yaml);
  return dir;
}

transport::SshOptions kvm4_ssh_options(const Lab& lab, model::TransportMode mode) {
  transport::SshOptions o;
  o.host_label = "kvm4";
  o.user = lab.get("SSH_USER");
  o.address = lab.get("SSH_HOST");
  o.port = static_cast<uint16_t>(lab.port("KVM4_SSH_PORT"));
  o.identity = lab.get("SSH_IDENTITY");
  o.known_hosts = lab.get("SSH_KNOWN_HOSTS");
  o.docker_socket = lab.get("KVM4_SOCKET");
  o.mode = mode;
  return o;
}

std::string docker(const Lab& lab, const std::string& args, int* status) {
  return run_command("docker -H unix://" + lab.get("KVM4_SOCKET") + " " + args + " 2>&1", status);
}

void create_service(const Lab& lab, const std::string& name, const std::string& flags) {
  int status = -1;
  std::string out = docker(lab,
                           "service create --detach --no-resolve-image --name " + name + " " +
                               flags + " " + lab.get("LAB_IMAGE"),
                           &status);
  ASSERT_EQ(status, 0) << out;
}

void create_with_cli(const Lab& lab, const std::string& name, const std::string& flags,
                     int replicas) {
  create_service(lab, name, flags);
  if (::testing::Test::HasFatalFailure()) return;
  ASSERT_TRUE(wait_running(lab, name, replicas)) << name << " did not start";
}

nlohmann::json service_json(const Lab& lab, const std::string& name) {
  return nlohmann::json::parse(docker(lab, "service inspect " + name + " --format '{{json .}}'"));
}

std::string cpu_limit_of(const Lab& lab, const std::string& name) {
  std::string out = docker(
      lab, "service inspect --format '{{.Spec.TaskTemplate.Resources.Limits.NanoCPUs}}' " + name);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string unique_name(const std::string& tag) { return "sf-" + tag + "-" + std::to_string(getpid()); }

bool wait_running(const Lab& lab, const std::string& service, int replicas, int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string out = docker(lab, "service ps " + service +
                                      " --filter desired-state=running --format '{{.CurrentState}}'");
    int running = 0;
    for (size_t at = out.find("Running"); at != std::string::npos; at = out.find("Running", at + 1)) ++running;
    if (running == replicas) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

ServiceCleanup::~ServiceCleanup() {
  for (const auto& n : names_) docker(lab_, "service rm " + n);
}

}  // namespace swarmform::testing
