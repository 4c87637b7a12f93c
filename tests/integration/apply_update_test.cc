// Changing services on the real lab swarm (tests/lab/up.sh) with the apply
// building blocks: versioned read-modify-write of the owned fields, the
// "still as planned" guard, the retry on "update out of sequence", and the
// convergence wait judged from tasks.  The docker CLI is the witness.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reconciler/apply/convergence.h"
#include "reconciler/apply/service_update.h"
#include "reconciler/engine/spec_owned.h"
#include "reconciler/engine/spec_rewrite.h"
#include "reconciler/engine/docker_client.h"
#include "support/lab_engine.h"
#include "support/lab_state.h"
#include "support/unix_stream.h"

namespace swarmform::apply {
namespace {

using engine::Labels;
using engine::read_owned_fields;
using engine::rewrite_spec;
using model::OwnedFields;

using engine::DockerClient;
using nlohmann::json;
using swarmform::testing::connect_kvm4;
using swarmform::testing::create_with_cli;
using swarmform::testing::docker;
using swarmform::testing::Lab;
using swarmform::testing::ServiceCleanup;
using swarmform::testing::spec_of;
using swarmform::testing::unique_name;
using swarmform::testing::unix_dialer;

const Labels kLabels = {{"swarmform.managed", "true"},
                        {"swarmform.commit", "0123abcd"},
                        {"swarmform.applied", R"({"limits":{"cpus":"0.5"}})"}};

/// What the service starts with; the fields swarmform owns, as the plan saw them.
const OwnedFields kStart{.replicas = 1,
                         .limits = {.nano_cpus = 250'000'000, .memory_bytes = 64 << 20},
                         .reservations = {.nano_cpus = 50'000'000, .memory_bytes = 16 << 20},
                         .node = "kvm4"};

/// The docker CLI flags that create a service at kStart plus fields swarmform
/// does not own.
std::string start_flags(int replicas = 1) {
  return "--limit-cpu 0.25 --limit-memory 64M --reserve-cpu 0.05 --reserve-memory 16M"
         " --replicas " +
         std::to_string(replicas) +
         " --constraint node.hostname==kvm4 --constraint 'node.platform.os == linux'"
         " --label other.team=keep --container-label app=x --env A=1 --env B=two"
         " --update-parallelism 2 --update-delay 1s --update-order stop-first"
         " --restart-max-attempts 7";
}

/// Waits with progress lines like the CLI's, recording them.
Result<Converged> converge(DockerClient& client, const UpdateOutcome& out,
                           std::vector<Progress>* seen = nullptr) {
  auto target = convergence_target(out.service);
  if (!target) return fail(target.error());
  ConvergenceOptions options;
  options.timeout = std::chrono::seconds(60);
  return wait_for_convergence(client, *target, options, [&](const Progress& p) {
    if (seen) seen->push_back(p);
  });
}

/// Hostnames of the tasks the CLI reports running.
std::string running_nodes(const Lab& lab, const std::string& name) {
  return docker(lab, "service ps " + name +
                         " --filter desired-state=running --format '{{.Node}} {{.CurrentState}}'"
                         " | grep Running | cut -d' ' -f1 | sort | tr '\\n' ' '");
}

/// The update must have written exactly rewrite_spec(before): every member
/// swarmform does not own is what it was, compared as JSON.
void expect_only_owned_changed(const json& before, const json& after, const OwnedFields& desired) {
  auto expected = rewrite_spec(before, desired, kLabels);
  ASSERT_TRUE(expected) << expected.error().message;
  EXPECT_EQ(after, *expected) << "unexpected differences: " << json::diff(*expected, after).dump();
  for (const char* ptr : {"/TaskTemplate/ContainerSpec/Env", "/TaskTemplate/ContainerSpec/Labels",
                          "/UpdateConfig", "/TaskTemplate/RestartPolicy", "/Labels/other.team",
                          "/TaskTemplate/ContainerSpec/Image", "/EndpointSpec"}) {
    json::json_pointer p(ptr);
    EXPECT_EQ(after.value(p, json()), before.value(p, json())) << ptr;
  }
}

TEST(ApplyLabUpdate, LimitChangeConvergesAndKeepsEverythingElse) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("apply-limit");
  ServiceCleanup cleanup(lab, {name});
  create_with_cli(lab, name, start_flags());
  if (HasFatalFailure()) return;
  DockerClient client = connect_kvm4(lab);
  json before = spec_of(client, name);

  OwnedFields desired{.limits = {.nano_cpus = 500'000'000, .memory_bytes = 96 << 20}};
  auto out = update_service(client, name, kStart, desired, kLabels);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->posted);
  EXPECT_EQ(out->attempts, 1);
  EXPECT_EQ(out->before, kStart);
  expect_only_owned_changed(before, out->service["Spec"], desired);

  std::vector<Progress> seen;
  auto done = converge(client, *out, &seen);
  ASSERT_TRUE(done) << done.error().message;
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().running, 1U);
  EXPECT_EQ(seen.back().desired, 1U);
  EXPECT_EQ(seen.back().node, "kvm4");
  std::printf("[ timing ] limit change converged in %.1f s over %zu polls\n",
              static_cast<double>(done->elapsed.count()) / 1000.0, seen.size());

  EXPECT_EQ(
      docker(
          lab,
          "service inspect " + name +
              " --format '{{.Spec.TaskTemplate.Resources.Limits.NanoCPUs}} "
              "{{.Spec.TaskTemplate.Resources.Limits.MemoryBytes}} "
              "{{index .Spec.Labels \"swarmform.commit\"}} {{index .Spec.Labels \"other.team\"}}'"),
      "500000000 100663296 0123abcd keep\n");
  EXPECT_EQ(running_nodes(lab, name), "kvm4 ");
  // The running task really carries the new limits.
  EXPECT_EQ(docker(lab, "service ps " + name +
                            " --filter desired-state=running -q | head -1 | xargs "
                            "docker -H unix://" +
                            lab.get("KVM4_SOCKET") +
                            " inspect --format '{{.Spec.Resources.Limits.NanoCPUs}}'"),
            "500000000\n");
}

TEST(ApplyLabUpdate, ReservationChangeIncludingRemoval) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("apply-reserve");
  ServiceCleanup cleanup(lab, {name});
  create_with_cli(lab, name, start_flags());
  if (HasFatalFailure()) return;
  DockerClient client = connect_kvm4(lab);
  json before = spec_of(client, name);

  OwnedFields desired{.reservations = {.nano_cpus = 100'000'000, .memory_bytes = 0}};
  auto out = update_service(client, name, kStart, desired, kLabels);
  ASSERT_TRUE(out) << out.error().message;
  expect_only_owned_changed(before, out->service["Spec"], desired);
  auto done = converge(client, *out);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(docker(lab, "service inspect " + name +
                            " --format '{{json .Spec.TaskTemplate.Resources.Reservations}}'"),
            "{\"NanoCPUs\":100000000}\n");
  auto after = read_owned_fields(spec_of(client, name));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->reservations.memory_bytes, 0);
  EXPECT_EQ(after->limits.nano_cpus, kStart.limits.nano_cpus);
}

TEST(ApplyLabUpdate, ReplicaChangeKeepsTheRunningTask) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("apply-replicas");
  ServiceCleanup cleanup(lab, {name});
  create_with_cli(lab, name, start_flags());
  if (HasFatalFailure()) return;
  DockerClient client = connect_kvm4(lab);
  std::string first_task = docker(lab, "service ps " + name + " -q --filter desired-state=running");

  auto up = update_service(client, name, kStart, {.replicas = 3}, kLabels);
  ASSERT_TRUE(up) << up.error().message;
  auto done = converge(client, *up);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->running, 3U);
  EXPECT_EQ(running_nodes(lab, name), "kvm4 kvm4 kvm4 ");
  // A replicas change is not a new TaskTemplate: the first task still runs.
  EXPECT_NE(
      docker(lab, "service ps " + name + " -q --filter desired-state=running").find(first_task),
      std::string::npos);

  OwnedFields three = kStart;
  three.replicas = 3;
  auto down = update_service(client, name, three, {.replicas = 1}, kLabels);
  ASSERT_TRUE(down) << down.error().message;
  auto back = converge(client, *down);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->running, 1U);
  EXPECT_EQ(running_nodes(lab, name), "kvm4 ");
}

TEST(ApplyLabUpdate, PlacementMoveFromKvm4ToKvm2) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("apply-move");
  ServiceCleanup cleanup(lab, {name});
  create_with_cli(lab, name, start_flags(2), 2);
  if (HasFatalFailure()) return;
  DockerClient client = connect_kvm4(lab);
  json before = spec_of(client, name);
  EXPECT_EQ(running_nodes(lab, name), "kvm4 kvm4 ");

  OwnedFields planned = kStart;
  planned.replicas = 2;
  auto out = update_service(client, name, planned, {.node = "kvm2"}, kLabels);
  ASSERT_TRUE(out) << out.error().message;
  expect_only_owned_changed(before, out->service["Spec"], {.node = "kvm2"});
  EXPECT_EQ(out->service["Spec"]["TaskTemplate"]["Placement"]["Constraints"],
            json({"node.hostname==kvm2", "node.platform.os == linux"}));
  std::vector<Progress> seen;
  auto done = converge(client, *out, &seen);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->running, 2U);
  EXPECT_EQ(seen.back().node, "kvm2");
  EXPECT_EQ(running_nodes(lab, name), "kvm2 kvm2 ");
  std::printf("[ timing ] move of 2 replicas kvm4 -> kvm2 converged in %.1f s\n",
              static_cast<double>(done->elapsed.count()) / 1000.0);
}

/// A stream to the engine that runs `hook` once, just before the first
/// service update request goes out: an out-of-band change lands between our
/// read and our write, so the real engine answers "update out of sequence".
class InterposingStream final : public transport::Stream {
 public:
  InterposingStream(std::unique_ptr<transport::Stream> inner,
                    std::shared_ptr<std::function<void()>> hook)
      : inner_(std::move(inner)), hook_(std::move(hook)) {}
  Result<void> write_all(std::string_view data) override {
    if (*hook_ && data.starts_with("POST ") &&
        data.find("/update?version=") != std::string_view::npos) {
      auto hook = std::move(*hook_);
      *hook_ = nullptr;
      hook();
    }
    return inner_->write_all(data);
  }
  Result<std::size_t> read_some(std::span<char> buf) override { return inner_->read_some(buf); }
  [[nodiscard]] std::string describe() const override { return inner_->describe(); }

 private:
  std::unique_ptr<transport::Stream> inner_;
  std::shared_ptr<std::function<void()>> hook_;
};

transport::Dialer interposing_dialer(const Lab& lab, std::shared_ptr<std::function<void()>> hook) {
  return [inner = unix_dialer(lab.get("KVM4_SOCKET")),
          hook]() -> Result<std::unique_ptr<transport::Stream>> {
    SF_TRY_ASSIGN(auto stream, inner());
    return std::unique_ptr<transport::Stream>(
        std::make_unique<InterposingStream>(std::move(stream), hook));
  };
}

TEST(ApplyLabUpdate, StaleVersionIsRetriedWhileStillAsPlanned) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("apply-stale");
  ServiceCleanup cleanup(lab, {name});
  create_with_cli(lab, name, start_flags());
  if (HasFatalFailure()) return;
  auto hook = std::make_shared<std::function<void()>>([&] {
    // Not an owned field: the version moves, the plan still holds.
    docker(lab, "service update --detach --label-add bumped=yes " + name);
  });
  DockerClient client = connect_kvm4(lab, interposing_dialer(lab, hook));
  auto out = update_service(client, name, kStart, {.limits = {.nano_cpus = 500'000'000, .memory_bytes = std::nullopt}}, kLabels);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_FALSE(*hook) << "the out-of-band change never ran";
  EXPECT_EQ(out->attempts, 2);  // the first POST was out of sequence
  // The retry re-read the spec: the out-of-band label survives our write.
  EXPECT_EQ(out->service["Spec"]["Labels"]["bumped"], "yes");
  EXPECT_EQ(out->service["Spec"]["TaskTemplate"]["Resources"]["Limits"]["NanoCPUs"], 500'000'000);
  ASSERT_TRUE(converge(client, *out));
}

TEST(ApplyLabUpdate, GuardRefusesAfterAnOutOfBandLimitChange) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("apply-guard");
  ServiceCleanup cleanup(lab, {name});
  create_with_cli(lab, name, start_flags());
  if (HasFatalFailure()) return;
  int status = -1;
  std::string cli = docker(lab, "service update --detach --limit-cpu 0.75 " + name, &status);
  ASSERT_EQ(status, 0) << cli;
  DockerClient client = connect_kvm4(lab);
  json before = spec_of(client, name);

  auto out = update_service(client, name, kStart, {.limits = {.nano_cpus = 500'000'000, .memory_bytes = std::nullopt}}, kLabels);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, ErrorKind::conflict);
  EXPECT_EQ(
      out.error().message,
      name + ": changed since the plan (planned -> now): limits.cpus: 0.25 -> 0.75; not updated");
  EXPECT_EQ(spec_of(client, name), before);  // nothing written
}

TEST(ApplyLabUpdate, GuardAlsoHoldsOnTheRetry) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("apply-guard-retry");
  ServiceCleanup cleanup(lab, {name});
  create_with_cli(lab, name, start_flags());
  if (HasFatalFailure()) return;
  auto hook = std::make_shared<std::function<void()>>([&] {
    docker(lab, "service update --detach --replicas 2 " + name);  // an owned field moves
  });
  DockerClient client = connect_kvm4(lab, interposing_dialer(lab, hook));
  auto out = update_service(client, name, kStart, {.limits = {.nano_cpus = 500'000'000, .memory_bytes = std::nullopt}}, kLabels);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, ErrorKind::conflict);
  EXPECT_EQ(out.error().message,
            name + ": changed since the plan (planned -> now): replicas: 1 -> 2; not updated");
  EXPECT_EQ(docker(lab, "service inspect " + name +
                            " --format '{{.Spec.TaskTemplate.Resources.Limits.NanoCPUs}}'"),
            "250000000\n");
}

TEST(ApplyLabUpdate, CreateConvergesThenDeleteIsGuarded) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("apply-create");
  ServiceCleanup cleanup(lab, {name});
  DockerClient client = connect_kvm4(lab);
  json spec = {
      {"Name", name},
      {"TaskTemplate",
       {{"ContainerSpec", {{"Image", lab.get("LAB_IMAGE")}}},
        {"Resources", {{"Limits", {{"NanoCPUs", 250'000'000}, {"MemoryBytes", 64 << 20}}}}},
        {"Placement", {{"Constraints", {"node.hostname==kvm2"}}}}}},
      {"Mode", {{"Replicated", {{"Replicas", 2}}}}}};
  auto created = create_service(client, spec, kLabels);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ((*created)["Spec"]["Labels"]["swarmform.managed"], "true");
  auto target = convergence_target(*created);
  ASSERT_TRUE(target) << target.error().message;
  ConvergenceOptions options;
  options.timeout = std::chrono::seconds(60);
  auto done = wait_for_convergence(client, *target, options);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(running_nodes(lab, name), "kvm2 kvm2 ");

  auto again = create_service(client, spec, kLabels);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::conflict) << again.error().message;

  auto refused = delete_service(client, name, {.replicas = 1});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::conflict);
  EXPECT_EQ(refused.error().message,
            name + ": changed since the plan (planned -> now): replicas: 1 -> 2; not deleted");
  ASSERT_TRUE(delete_service(client, name, {.replicas = 2, .node = "kvm2"}));
  auto gone = client.inspect_service(name);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, ErrorKind::not_found);
  auto twice = delete_service(client, name, {});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().kind, ErrorKind::not_found);
}

}  // namespace
}  // namespace swarmform::apply
