// The agent inside the swarm: the image packaging/lab-image.sh builds, run by
// examples/stack/swarmform-agent.yml with `docker stack deploy` on the lab's
// manager, reports a hand-made drift through its metrics file.
//
// The stack file is the example itself; a small override (the second -c)
// gives only what the lab needs: the lab's engine socket (it is not at
// /var/run/docker.sock) and the repository, a bare repository on this machine
// mounted read-only into the container (the lab's sshd listens on the
// machine's 127.0.0.1, which a container in the lab's network namespaces
// cannot reach), and a short interval.  The secrets are the example's, with
// the lab's key and known_hosts as their files.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include <unistd.h>

#include "support/git_repo.h"
#include "support/lab_state.h"
#include "support/metrics_text.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace swarmform::testing {
namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

/// Removes what the test made on the lab, also when it fails: the stack (its
/// service, secrets and network), the drifted service, the stack's volumes
/// once its container is gone, the image, the temp dirs.
class StackCleanup {
 public:
  StackCleanup(const Lab& lab, std::string stack, std::string service, std::string image)
      : lab_(lab), stack_(std::move(stack)), service_(std::move(service)), image_(std::move(image)) {}
  ~StackCleanup() {
    docker(lab_, "stack rm " + stack_);
    docker(lab_, "service rm " + service_);
    // Volumes and the image are in use until the task's container is gone.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline &&
           !trimmed(docker(lab_, "ps -aq --filter label=com.docker.stack.namespace=" + stack_)).empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    for (const char* v : {"_metrics", "_cache"}) docker(lab_, "volume rm " + stack_ + v);
    for (const char* s : {"_swarmform_deploy_key", "_swarmform_known_hosts"}) docker(lab_, "secret rm " + stack_ + s);
    docker(lab_, "image rm " + image_);
    for (const auto& d : dirs) std::filesystem::remove_all(d);
  }
  StackCleanup(const StackCleanup&) = delete;
  StackCleanup& operator=(const StackCleanup&) = delete;
  std::vector<std::string> dirs;

 private:
  const Lab& lab_;
  std::string stack_, service_, image_;
};

/// The package to build the image from: $SWARMFORM_DEB, else the Release
/// build's (build-release/swarmform_*.deb, scripts/test.sh makes it) when its
/// binary is of this tree's commit (its --version is the binary under test's);
/// "" when there is none, with the reason in `why_not`.
std::string package_of_this_build(std::string* why_not) {
  if (const char* env = std::getenv("SWARMFORM_DEB"); env != nullptr && *env != '\0') return env;
  const std::string want = run_swarmform({"--version"}).out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(SWARMFORM_SOURCE_DIR) + "/build-release", ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("swarmform_") || !name.ends_with(".deb")) continue;
    TempDir x("sf-agentstack-deb");
    const std::string bin = x.path() + "/swarmform";
    const std::string got = run_command("dpkg-deb --fsys-tarfile " + shell_quote(entry.path().string()) +
                                        " | tar -xOf - ./usr/bin/swarmform > " + shell_quote(bin) + " && chmod 755 " +
                                        shell_quote(bin) + " && " + shell_quote(bin) + " --version");
    if (got == want) return entry.path().string();
    *why_not = entry.path().string() + " is of another build (" + got + "), not this tree's (" + want + ")";
  }
  if (why_not->empty()) *why_not = "no build-release/swarmform_*.deb (cmake --build build-release --target package)";
  return "";
}

/// Polls the metrics file until `done` holds of it (bounded); returns the last reading.
template <typename Done>
std::map<std::string, double> wait_for_metrics(const std::string& path, int seconds, Done done) {
  std::map<std::string, double> m;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    m = read_metrics(path);
    if (done(m)) return m;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return m;
}

double metric(const std::map<std::string, double>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? -1 : it->second;
}

TEST(AgentStack, TheAgentAsASwarmServiceReportsAHandMadeDriftInItsMetricsFile) {
  SF_REQUIRE_LAB(lab);
  const std::string stack = unique_name("agentstack");
  const std::string service = unique_name("agentdrift");
  const std::string image = "swarmform-agent-test:" + std::to_string(getpid());
  StackCleanup cleanup(lab, stack, service, image);
  const std::string source = SWARMFORM_SOURCE_DIR;
  const std::string socket = lab.get("KVM4_SOCKET");

  // The image: from the package, as users get it (scripts/test.sh builds it
  // and requires it); without one, from the binary under test.
  std::string why_no_package;
  const std::string deb = package_of_this_build(&why_no_package);
  if (deb.empty()) {
    const char* require = std::getenv("SWARMFORM_REQUIRE_PACKAGE");
    ASSERT_FALSE(require != nullptr && std::string(require) == "1") << why_no_package;
    std::cerr << "note: the image is built from " SWARMFORM_BINARY ", not a package: " << why_no_package << "\n";
  }
  int rc = -1;
  std::string built = run_command(source + "/packaging/lab-image.sh " +
                                      (!deb.empty() ? "--deb " + shell_quote(deb) : "--binary " SWARMFORM_BINARY) +
                                      " --tag " + image + " " + socket + " 2>&1",
                                  &rc);
  ASSERT_EQ(rc, 0) << built;

  // The desired state, committed to a bare repository: the manager's engine
  // at the socket the stack mounts, one service on kvm2.
  std::string work = make_temp_dir("sf-agentstack-work");
  std::string bare = make_temp_dir("sf-agentstack-repo") + "/state.git";
  cleanup.dirs = {work, std::filesystem::path(bare).parent_path().string()};
  write_file(work + "/swarm.yaml",
             "version: 1\ncluster:\n  manager: kvm4\nhosts:\n"
             "  kvm4:\n    ssh: root@127.0.0.1:" + lab.get("KVM4_SSH_PORT") +
                 "\n    docker_socket: /var/run/docker.sock\n    capacity: {cpus: 2, memory: 4GiB}\n"
                 "  kvm2:\n    ssh: root@127.0.0.1:" + lab.get("KVM2_SSH_PORT") +
                 "\n    capacity: {cpus: 2, memory: 4GiB}\n"
                 "policy:\n  unmanaged: ignore\n" + kWideBudget +
                 "services:\n  " + service +
                 ":\n    host: kvm2\n    replicas: 1\n    limits: {cpus: 0.2, memory: 64MiB}\n");
  git_init(work);
  git_commit_all(work, "declare " + service);
  run_command("git clone -q --bare " + shell_quote(work) + " " + shell_quote(bare) + " 2>&1", &rc);
  ASSERT_EQ(rc, 0);
  ASSERT_NO_FATAL_FAILURE(create_service(
      lab, service, "--replicas 1 --constraint node.hostname==kvm2 --limit-cpu 0.2 --limit-memory 64M"));
  ASSERT_TRUE(wait_running(lab, service, 1));

  // The suite's ASan+UBSan run puts its own binary in the image: shadow
  // memory and quarantine keep about 115MiB resident (measured), at the
  // example's 128M limit; that build alone gets room.
  const bool sanitized =
      deb.empty() && run_command("ldd " SWARMFORM_BINARY " 2>&1").find("libasan") != std::string::npos;
  const std::string override_file = work + "/lab-override.yml";
  write_file(override_file,
             "version: \"3.8\"\nservices:\n  agent:\n    volumes:\n"
             "      - {type: bind, source: " + socket + ", target: /var/run/docker.sock}\n"
             "      - {type: bind, source: " + bare + ", target: /srv/state.git, read_only: true}\n"
             "    healthcheck: {interval: 2s, start_period: 60s}\n" +
                 (sanitized ? "    deploy: {resources: {limits: {memory: 1G}}}\n" : ""));
  std::string deployed = run_command(
      "SWARMFORM_IMAGE=" + image + " SWARMFORM_REPO=/srv/state.git SWARMFORM_INTERVAL=10s SWARMFORM_HEALTH_MINUTES=1" +
          " SWARMFORM_DEPLOY_KEY=" + shell_quote(lab.get("SSH_IDENTITY")) +
          " SWARMFORM_KNOWN_HOSTS=" + shell_quote(lab.get("SSH_KNOWN_HOSTS")) + " docker -H unix://" + socket +
          " stack deploy --resolve-image never -c " + source + "/examples/stack/swarmform-agent.yml -c " +
          override_file + " " + stack + " 2>&1",
      &rc);
  ASSERT_EQ(rc, 0) << deployed;

  // The example's own rules: a manager, limits and reservations of its own.
  nlohmann::json spec = service_json(lab, stack + "_agent")["Spec"]["TaskTemplate"];
  EXPECT_EQ(spec["Placement"]["Constraints"], nlohmann::json::array({"node.role == manager"})) << spec.dump();
  EXPECT_GT(spec["Resources"]["Limits"].value("NanoCPUs", 0), 0) << spec.dump();
  EXPECT_GT(spec["Resources"]["Limits"].value("MemoryBytes", 0), 0) << spec.dump();
  EXPECT_GT(spec["Resources"]["Reservations"].value("MemoryBytes", 0), 0) << spec.dump();

  // The metrics file, read from the stack's volume on the manager's engine
  // (the volume exists once the task's container does).
  std::string mountpoint;
  for (int i = 0; i < 120 && mountpoint.empty(); ++i) {
    int vrc = -1;
    std::string out = trimmed(docker(lab, "volume inspect --format '{{.Mountpoint}}' " + stack + "_metrics", &vrc));
    if (vrc == 0) mountpoint = out;
    else std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_FALSE(mountpoint.empty()) << docker(lab, "service ps --no-trunc " + stack + "_agent");
  const std::string metrics = mountpoint + "/swarmform.prom";
  auto in_sync = wait_for_metrics(metrics, 90, [](const auto& m) {
    return metric(m, "swarmform_drift_check_success") == 1 && metric(m, "swarmform_drift_status") == 0;
  });
  ASSERT_EQ(metric(in_sync, "swarmform_drift_status"), 0)
      << docker(lab, "service ps --no-trunc " + stack + "_agent") << docker(lab, "service logs " + stack + "_agent");

  // The hand-made drift: a CPU limit changed behind swarmform's back.
  docker(lab, "service update -d --limit-cpu 0.3 " + service, &rc);
  ASSERT_EQ(rc, 0);
  auto drift = wait_for_metrics(metrics, 60, [](const auto& m) { return metric(m, "swarmform_drift_status") == 1; });
  EXPECT_EQ(metric(drift, "swarmform_drift_status"), 1) << docker(lab, "service logs " + stack + "_agent");
  EXPECT_EQ(metric(drift, "swarmform_drift_check_success"), 1);
  // Created by hand, never applied by swarmform: no applied label to compare.
  EXPECT_EQ(metric(drift, "swarmform_drifted_services{cause=\"not_applied\"}"), 1);
  EXPECT_NE(docker(lab, "service logs " + stack + "_agent").find(service), std::string::npos);

  // The health check (the metrics file's age, through the image's sh and find) passes.
  std::string health;
  for (int i = 0; i < 60 && health != "healthy"; ++i) {
    std::string id = trimmed(docker(lab, "ps -q --filter label=com.docker.swarm.service.name=" + stack + "_agent"));
    if (!id.empty()) health = trimmed(docker(lab, "inspect --format '{{.State.Health.Status}}' " + id));
    if (health != "healthy") std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  EXPECT_EQ(health, "healthy");
}

}  // namespace
}  // namespace swarmform::testing
