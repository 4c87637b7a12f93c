// Failed changes on the real lab swarm: detected from the tasks with the
// engine's own reason, then rolled back to the previous spec.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "reconciler/apply/convergence.h"
#include "reconciler/apply/rollback.h"
#include "reconciler/apply/service_update.h"
#include "reconciler/engine/docker_client.h"
#include "support/lab_engine.h"
#include "support/lab_state.h"

namespace swarmform::apply {
namespace {

using engine::Labels;
using model::OwnedFields;

using engine::DockerClient;
using nlohmann::json;
using std::chrono::seconds;
using swarmform::testing::connect_kvm4;
using swarmform::testing::create_with_cli;
using swarmform::testing::docker;
using swarmform::testing::Lab;
using swarmform::testing::ServiceCleanup;
using swarmform::testing::spec_of;
using swarmform::testing::unique_name;

const Labels kLabels = {{"swarmform.managed", "true"}, {"swarmform.commit", "0123abcd"}};
const OwnedFields kStart{.replicas = 1,
                         .limits = {.nano_cpus = 250'000'000, .memory_bytes = 64 << 20},
                         .reservations = {.nano_cpus = 50'000'000, .memory_bytes = 0},
                         .node = "kvm4"};

/// The docker CLI flags that create a service at kStart.
const std::string kStartFlags =
    "--limit-cpu 0.25 --limit-memory 64M --reserve-cpu 0.05"
    " --constraint node.hostname==kvm4 --label other.team=keep --env A=1";

ConvergenceOptions fast_failing() {
  ConvergenceOptions o;
  o.timeout = seconds(60);
  o.limits.unschedulable_grace = seconds(3);
  o.limits.max_failed_tasks = 2;
  return o;
}

double secs(std::chrono::milliseconds d) { return static_cast<double>(d.count()) / 1000.0; }

/// Applies `desired`, expects the wait to fail with `reason`, rolls back, and
/// checks the service is back on its previous spec, running.  Returns the
/// rollback's convergence time.
std::chrono::milliseconds fail_and_roll_back(const Lab& lab, const std::string& name,
                                             const OwnedFields& desired,
                                             const std::string& reason) {
  DockerClient client = connect_kvm4(lab);
  json before = spec_of(client, name);
  auto out = update_service(client, name, kStart, desired, kLabels);
  EXPECT_TRUE(out) << out.error().message;
  if (!out) return {};
  auto target = convergence_target(out->service);
  EXPECT_TRUE(target);
  if (!target) return {};
  auto started = std::chrono::steady_clock::now();
  auto waited = wait_for_convergence(client, *target, fast_failing());
  auto detected = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  EXPECT_FALSE(waited) << name << " converged although it cannot";
  if (waited) return {};
  EXPECT_EQ(waited.error().kind, ErrorKind::failed) << waited.error().message;
  EXPECT_NE(waited.error().message.find(reason), std::string::npos) << waited.error().message;
  std::printf("[ timing ] failure detected after %.1f s: %s\n", secs(detected),
              waited.error().message.c_str());

  ConvergenceOptions options;
  options.timeout = seconds(120);  // swarmkit may wait 60 s for a task that never ran
  auto back = rollback(client, out->service_id, desired, options);
  EXPECT_TRUE(back) << back.error().message;
  if (!back) return {};
  EXPECT_EQ(back->attempts, 1);
  EXPECT_EQ(back->restored, kStart);
  EXPECT_EQ(back->converged.running, 1U);
  // The previous spec entire, our labels included, is back: nothing of the
  // failed change survives.
  json now = spec_of(client, name);
  EXPECT_EQ(now, before) << json::diff(before, now).dump();
  EXPECT_TRUE(swarmform::testing::wait_running(lab, name, 1, 5));
  EXPECT_EQ(docker(lab, "service ps " + name +
                            " --filter desired-state=running --format '{{.Node}}' | sort -u"),
            "kvm4\n");
  return back->converged.elapsed;
}

TEST(ApplyLabRollback, UnsatisfiableReservationIsDetectedAndRolledBack) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("apply-nonode");
  ServiceCleanup cleanup(lab, {name});
  create_with_cli(lab, name, kStartFlags);  // Docker's defaults: update and rollback stop-first
  if (HasFatalFailure()) return;
  auto took = fail_and_roll_back(lab, name, {.reservations = {.nano_cpus = 64'000'000'000, .memory_bytes = std::nullopt}},
                                 "no suitable node (insufficient resources on 2 nodes)");
  // Stop-first: swarmkit waits out its one-minute timeout for the pending
  // task, which never reports stopping (rollback.h).
  std::printf("[ timing ] stop-first rollback from an unschedulable task converged in %.1f s\n",
              secs(took));
}

TEST(ApplyLabRollback, StartFirstRollbackFromUnschedulableIsQuick) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("apply-nonode-sf");
  ServiceCleanup cleanup(lab, {name});
  create_with_cli(lab, name, kStartFlags + " --rollback-order start-first");
  if (HasFatalFailure()) return;
  auto took = fail_and_roll_back(lab, name, {.reservations = {.nano_cpus = 64'000'000'000, .memory_bytes = std::nullopt}},
                                 "no suitable node (insufficient resources on 2 nodes)");
  std::printf("[ timing ] start-first rollback from an unschedulable task converged in %.1f s\n",
              secs(took));
  EXPECT_LT(took, seconds(30));
}

TEST(ApplyLabRollback, RejectedTasksAreDetectedAndRolledBack) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("apply-rejected");
  ServiceCleanup cleanup(lab, {name});
  create_with_cli(lab, name, kStartFlags);
  if (HasFatalFailure()) return;
  // Swarm accepts 5 MiB (its floor is 4 MiB); dockerd then rejects each task.
  auto took = fail_and_roll_back(lab, name, {.limits = {.nano_cpus = std::nullopt, .memory_bytes = 5 << 20}},
                                 "rejected on kvm4: Minimum memory limit allowed is 6MB");
  std::printf("[ timing ] rollback from rejected tasks converged in %.1f s\n", secs(took));
  EXPECT_LT(took, seconds(30));
}

TEST(ApplyLabRollback, RollbackIsRefusedWhenTheServiceMovedOn) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("apply-rb-guard");
  ServiceCleanup cleanup(lab, {name});
  create_with_cli(lab, name, kStartFlags);
  if (HasFatalFailure()) return;
  DockerClient client = connect_kvm4(lab);

  auto never_updated = rollback(client, name, {});
  ASSERT_FALSE(never_updated);
  EXPECT_EQ(never_updated.error().message, name + ": has no previous spec to roll back to");

  OwnedFields desired{.limits = {.nano_cpus = 500'000'000, .memory_bytes = std::nullopt}};
  auto out = update_service(client, name, kStart, desired, kLabels);
  ASSERT_TRUE(out) << out.error().message;
  int status = -1;
  std::string cli = docker(lab, "service update --detach --limit-cpu 0.75 " + name, &status);
  ASSERT_EQ(status, 0) << cli;
  json before = spec_of(client, name);
  auto refused = rollback(client, name, desired);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::conflict);
  EXPECT_EQ(refused.error().message,
            name +
                ": changed since the update (written -> now): limits.cpus: 0.5 -> 0.75; not "
                "rolled back");
  EXPECT_EQ(spec_of(client, name), before);
}

}  // namespace
}  // namespace swarmform::apply
