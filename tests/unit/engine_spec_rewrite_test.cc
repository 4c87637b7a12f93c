// rewrite_spec and the owned-field reads against service specs copied from
// the lab's `GET /v1.41/services` (Docker 20.10.24): only the owned fields
// may change, every other member must come back as it was.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "reconciler/engine/live_mapping.h"
#include "reconciler/engine/spec_owned.h"
#include "reconciler/engine/spec_rewrite.h"
#include "reconciler/model/placement.h"

namespace swarmform::engine {
namespace {

using model::OwnedFields;
using nlohmann::json;

/// `docker service create ... --limit-cpu 1.5 --limit-memory 1G --reserve-cpu 0.5
/// --reserve-memory 512M --replicas 2 --constraint 'node.hostname == kvm4' ...`
const json kSaleorSpec = json::parse(R"({
  "Name": "infrastructureservices-saleorapi-x7k2p9",
  "Labels": {"com.docker.stack.namespace": "saleor", "traefik.enable": "true"},
  "TaskTemplate": {
    "ContainerSpec": {
      "Image": "local/busybox:1",
      "Labels": {"app": "saleor"},
      "Hostname": "saleor-api",
      "Env": ["DATABASE_URL=postgres://saleor@db/saleor", "DEBUG=False"],
      "Init": false,
      "Mounts": [
        {"Type": "volume", "Source": "saleor-media", "Target": "/app/media"},
        {"Type": "bind", "Source": "/tmp", "Target": "/host-tmp", "ReadOnly": true}
      ],
      "StopGracePeriod": 20000000000,
      "Healthcheck": {"Test": ["CMD-SHELL", "true"], "Interval": 30000000000},
      "DNSConfig": {},
      "Isolation": "default"
    },
    "Resources": {
      "Limits": {"NanoCPUs": 1500000000, "MemoryBytes": 1073741824},
      "Reservations": {"NanoCPUs": 500000000, "MemoryBytes": 536870912}
    },
    "RestartPolicy": {"Condition": "on-failure", "Delay": 5000000000, "MaxAttempts": 3},
    "Placement": {
      "Constraints": ["node.hostname == kvm4", "node.role==manager", "node.labels.tier!=edge"]
    },
    "Networks": [{"Target": "ilfh0rz321xu3q6r4t0p0jtvf"}],
    "ForceUpdate": 0,
    "Runtime": "container"
  },
  "Mode": {"Replicated": {"Replicas": 2}},
  "UpdateConfig": {"Parallelism": 1, "Delay": 10000000000, "FailureAction": "pause",
                   "Monitor": 5000000000, "MaxFailureRatio": 0, "Order": "start-first"},
  "RollbackConfig": {"Parallelism": 1, "FailureAction": "pause", "Monitor": 5000000000,
                     "MaxFailureRatio": 0, "Order": "stop-first"},
  "EndpointSpec": {"Mode": "dnsrr"}
})");

/// `docker service create --mode global --limit-cpu 0.1 local/busybox:1`
const json kGlobalSpec = json::parse(R"({
  "Name": "sfx-global",
  "Labels": {},
  "TaskTemplate": {
    "ContainerSpec": {"Image": "local/busybox:1", "Init": false, "DNSConfig": {},
                      "Isolation": "default"},
    "Resources": {"Limits": {"NanoCPUs": 100000000}, "Reservations": {}},
    "Placement": {},
    "ForceUpdate": 0,
    "Runtime": "container"
  },
  "Mode": {"Global": {}},
  "EndpointSpec": {"Mode": "vip"}
})");

/// The JSON Patch (RFC 6902) from `before` to `after`: exactly what changed.
json changes(const json& before, const json& after) { return json::diff(before, after); }

json rewritten(const json& spec, const OwnedFields& desired, const Labels& labels = {}) {
  auto out = rewrite_spec(spec, desired, labels);
  EXPECT_TRUE(out) << out.error().message;
  return out ? *out : json();
}

TEST(EngineSpecRewrite, NothingOwnedNothingChanges) {
  EXPECT_EQ(rewritten(kSaleorSpec, {}), kSaleorSpec);
  EXPECT_EQ(rewritten(kGlobalSpec, {}), kGlobalSpec);
}

TEST(EngineSpecRewrite, WritingTheLiveValuesChangesNothing) {
  auto owned = read_owned_fields(kSaleorSpec);
  ASSERT_TRUE(owned) << owned.error().message;
  EXPECT_EQ(rewritten(kSaleorSpec, *owned), kSaleorSpec);
  auto global = read_owned_fields(kGlobalSpec);
  ASSERT_TRUE(global) << global.error().message;
  EXPECT_EQ(rewritten(kGlobalSpec, *global), kGlobalSpec);
}

TEST(EngineSpecRewrite, EachFieldChangesOnlyItsOwnMember) {
  struct Case {
    const char* name;
    OwnedFields desired;
    json patch;
  };
  const Case cases[] = {
      {"replicas",
       {.replicas = 3},
       json::parse(R"([{"op":"replace","path":"/Mode/Replicated/Replicas","value":3}])")},
      {"limit cpus",
       {.limits = {.nano_cpus = 1'000'000'000, .memory_bytes = std::nullopt}},
       json::parse(R"([{"op":"replace","path":"/TaskTemplate/Resources/Limits/NanoCPUs",
                        "value":1000000000}])")},
      {"limit memory",
       {.limits = {.nano_cpus = std::nullopt, .memory_bytes = 268435456}},
       json::parse(R"([{"op":"replace","path":"/TaskTemplate/Resources/Limits/MemoryBytes",
                        "value":268435456}])")},
      {"reservation cpus",
       {.reservations = {.nano_cpus = 250'000'000, .memory_bytes = std::nullopt}},
       json::parse(R"([{"op":"replace","path":"/TaskTemplate/Resources/Reservations/NanoCPUs",
                        "value":250000000}])")},
      {"reservation memory",
       {.reservations = {.nano_cpus = std::nullopt, .memory_bytes = 134217728}},
       json::parse(R"([{"op":"replace",
                        "path":"/TaskTemplate/Resources/Reservations/MemoryBytes",
                        "value":134217728}])")},
      {"limit cpus none",
       {.limits = {.nano_cpus = 0, .memory_bytes = std::nullopt}},
       json::parse(R"([{"op":"remove","path":"/TaskTemplate/Resources/Limits/NanoCPUs"}])")},
      {"reservations none",
       {.reservations = {.nano_cpus = 0, .memory_bytes = 0}},
       json::parse(R"([{"op":"remove","path":"/TaskTemplate/Resources/Reservations/MemoryBytes"},
                       {"op":"remove","path":"/TaskTemplate/Resources/Reservations/NanoCPUs"}])")},
      {"node",
       {.node = "kvm2"},
       json::parse(R"([{"op":"replace","path":"/TaskTemplate/Placement/Constraints/0",
                        "value":"node.hostname==kvm2"}])")},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(changes(kSaleorSpec, rewritten(kSaleorSpec, c.desired)), c.patch) << c.name;
  }
}

TEST(EngineSpecRewrite, AllFieldsAtOnceLeaveEverythingElseAlone) {
  OwnedFields desired{.replicas = 1,
                      .limits = {.nano_cpus = 2'000'000'000, .memory_bytes = 0},
                      .reservations = {.nano_cpus = 100'000'000, .memory_bytes = 67108864},
                      .node = "kvm2"};
  json out = rewritten(kSaleorSpec, desired);
  auto owned = read_owned_fields(out);
  ASSERT_TRUE(owned);
  EXPECT_EQ(*owned, desired);
  // Put the owned members back: what remains must be the live spec exactly.
  json restored = out;
  restored["Mode"] = kSaleorSpec["Mode"];
  restored["TaskTemplate"]["Resources"] = kSaleorSpec["TaskTemplate"]["Resources"];
  restored["TaskTemplate"]["Placement"] = kSaleorSpec["TaskTemplate"]["Placement"];
  EXPECT_EQ(restored, kSaleorSpec) << changes(kSaleorSpec, restored);
  EXPECT_EQ(out["TaskTemplate"]["Placement"]["Constraints"],
            json({"node.hostname==kvm2", "node.role==manager", "node.labels.tier!=edge"}));
}

TEST(EngineSpecRewrite, ResourcesAreCreatedOnlyWhenAValueIsWritten) {
  json bare = kGlobalSpec;
  bare["TaskTemplate"].erase("Resources");
  EXPECT_EQ(rewritten(bare, {.limits = {.nano_cpus = std::nullopt, .memory_bytes = 0}, .reservations = {.nano_cpus = 0, .memory_bytes = std::nullopt}}), bare);
  json out = rewritten(bare, {.limits = {.nano_cpus = std::nullopt, .memory_bytes = 67108864}});
  EXPECT_EQ(out["TaskTemplate"]["Resources"],
            json::parse(R"({"Limits":{"MemoryBytes":67108864}})"));
  // The engine's "Reservations": {} of a global service is kept, limits added beside it.
  json global = rewritten(kGlobalSpec, {.limits = {.nano_cpus = 0, .memory_bytes = 33554432}});
  EXPECT_EQ(global["TaskTemplate"]["Resources"],
            json::parse(R"({"Limits":{"MemoryBytes":33554432},"Reservations":{}})"));
}

TEST(EngineSpecRewrite, ConstraintSpellings) {
  struct Case {
    std::vector<std::string> live;
    std::string node;
    std::vector<std::string> want;
  };
  const Case cases[] = {
      {{"node.hostname==kvm4"}, "kvm2", {"node.hostname==kvm2"}},
      {{"node.hostname == kvm4"}, "kvm2", {"node.hostname==kvm2"}},
      {{"NODE.HOSTNAME==kvm4"}, "kvm2", {"node.hostname==kvm2"}},
      {{" node.hostname  ==  kvm4 "}, "kvm2", {"node.hostname==kvm2"}},
      // Already pinned there, however spelled: left exactly as it is.
      {{"node.hostname == kvm4", "node.role==worker"},
       "kvm4",
       {"node.hostname == kvm4", "node.role==worker"}},
      // Two pins collapse into one, at the first one's place.
      {{"node.role==manager", "node.hostname==kvm4", "node.labels.a==b", "node.hostname==kvm4"},
       "kvm4",
       {"node.role==manager", "node.hostname==kvm4", "node.labels.a==b"}},
      // Not ours: inequality, other keys, labels mentioning hostname.
      {{"node.hostname!=kvm4", "node.labels.node.hostname==x", "engine.labels.os==linux"},
       "kvm2",
       {"node.hostname!=kvm4", "node.labels.node.hostname==x", "engine.labels.os==linux",
        "node.hostname==kvm2"}},
      {{}, "kvm2", {"node.hostname==kvm2"}},
      {{"node.role==manager", "node.hostname==kvm4"}, "", {"node.role==manager"}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(model::placement_constraints(c.live, c.node), c.want)
        << ::testing::PrintToString(c.live) << " -> " << c.node;
    json spec = kSaleorSpec;
    spec["TaskTemplate"]["Placement"]["Constraints"] = c.live;
    json out = rewritten(spec, {.node = c.node});
    json want = spec;
    want["TaskTemplate"]["Placement"]["Constraints"] = c.want;
    if (c.want.empty()) want["TaskTemplate"]["Placement"].erase("Constraints");
    EXPECT_EQ(out, want) << ::testing::PrintToString(c.live);
  }
  EXPECT_EQ(model::pinned_nodes({"node.role==manager", "node.hostname == kvm2"}), std::vector<std::string>{"kvm2"});
  EXPECT_TRUE(model::pinned_nodes({"node.hostname!=kvm2"}).empty());
}

TEST(EngineSpecRewrite, PlacementIsCreatedForAServiceWithoutOne) {
  json spec = kSaleorSpec;
  spec["TaskTemplate"].erase("Placement");
  json out = rewritten(spec, {.node = "kvm4"});
  EXPECT_EQ(out["TaskTemplate"]["Placement"],
            json::parse(R"({"Constraints":["node.hostname==kvm4"]})"));
  EXPECT_EQ(rewritten(spec, {.node = ""}), spec);  // unpinning what is not pinned: no change
  json global = rewritten(kGlobalSpec, {.node = "kvm2"});
  EXPECT_EQ(changes(kGlobalSpec, global),
            json::parse(R"([{"op":"add","path":"/TaskTemplate/Placement/Constraints",
                             "value":["node.hostname==kvm2"]}])"));
}

TEST(EngineSpecRewrite, LabelsAreSetAndOthersKept) {
  Labels labels{{"swarmform.managed", "true"},
                {"swarmform.commit", "0123abc"},
                {"swarmform.applied", R"({"replicas":2})"}};
  json out = rewritten(kSaleorSpec, {}, labels);
  EXPECT_EQ(out["Labels"], json::parse(R"({"com.docker.stack.namespace":"saleor",
      "traefik.enable":"true","swarmform.managed":"true","swarmform.commit":"0123abc",
      "swarmform.applied":"{\"replicas\":2}"})"));
  // A later apply overwrites its own labels only; container labels are untouched.
  json again = rewritten(out, {}, {{"swarmform.commit", "4567def"}});
  EXPECT_EQ(again["Labels"]["swarmform.commit"], "4567def");
  EXPECT_EQ(again["Labels"]["traefik.enable"], "true");
  EXPECT_EQ(again["TaskTemplate"]["ContainerSpec"]["Labels"], json({{"app", "saleor"}}));
  // An empty value removes the label (a commit that is no longer known).
  json removed = rewritten(out, {}, {{"swarmform.commit", ""}});
  EXPECT_FALSE(removed["Labels"].contains("swarmform.commit"));
  EXPECT_EQ(removed["Labels"]["swarmform.managed"], "true");
  json no_labels = kSaleorSpec;
  no_labels.erase("Labels");
  EXPECT_EQ(rewritten(no_labels, {}, {{"swarmform.managed", "true"}})["Labels"],
            json({{"swarmform.managed", "true"}}));
}

TEST(EngineSpecRewrite, RefusesWhatCannotBeWritten) {
  auto global = rewrite_spec(kGlobalSpec, {.replicas = 2}, {});
  ASSERT_FALSE(global);
  EXPECT_EQ(global.error().message,
            "Spec.Mode: the service is Global, not Replicated: its replicas cannot be set");
  json job = kSaleorSpec;
  job["Mode"] = json::parse(R"({"ReplicatedJob":{"MaxConcurrent":1,"TotalCompletions":1}})");
  EXPECT_FALSE(rewrite_spec(job, {.replicas = 1}, {}));

  json bad = kSaleorSpec;
  bad["TaskTemplate"]["Resources"] = "lots";
  auto wrong_type = rewrite_spec(bad, {.limits = {.nano_cpus = 1, .memory_bytes = std::nullopt}}, {});
  ASSERT_FALSE(wrong_type);
  EXPECT_EQ(wrong_type.error().message, "Spec.TaskTemplate.Resources: expected an object");
  bad = kSaleorSpec;
  bad["TaskTemplate"]["Placement"]["Constraints"] = "node.hostname==kvm4";
  EXPECT_EQ(rewrite_spec(bad, {.node = "kvm2"}, {}).error().message,
            "Spec.TaskTemplate.Placement.Constraints: expected an array");
  EXPECT_EQ(rewrite_spec(kSaleorSpec, {.limits = {.nano_cpus = std::nullopt, .memory_bytes = -1}}, {}).error().message,
            "Spec.TaskTemplate.Resources.Limits.MemoryBytes: -1 is negative");
  EXPECT_FALSE(rewrite_spec(json::array(), {}, {}));
}

TEST(EngineSpecOwned, ReadFromLiveSpecs) {
  auto saleor = read_owned_fields(kSaleorSpec);
  ASSERT_TRUE(saleor) << saleor.error().message;
  EXPECT_EQ(*saleor, (OwnedFields{.replicas = 2,
                                  .limits = {.nano_cpus = 1'500'000'000, .memory_bytes = 1073741824},
                                  .reservations = {.nano_cpus = 500'000'000, .memory_bytes = 536870912},
                                  .node = "kvm4"}));
  auto global = read_owned_fields(kGlobalSpec);
  ASSERT_TRUE(global) << global.error().message;
  EXPECT_EQ(*global, (OwnedFields{.replicas = std::nullopt,
                                  .limits = {.nano_cpus = 100'000'000, .memory_bytes = 0},
                                  .reservations = {.nano_cpus = 0, .memory_bytes = 0},
                                  .node = ""}));
  json bad = kSaleorSpec;
  bad["Mode"]["Replicated"]["Replicas"] = "two";
  EXPECT_EQ(read_owned_fields(bad).error().message,
            "Spec.Mode.Replicated.Replicas: expected a number");
}

TEST(EngineSpecOwned, ReadsWhatTheLiveMappingReads) {
  // One reader: apply's fresh reads and the plan's live state agree.
  for (const json& spec : {kSaleorSpec, kGlobalSpec}) {
    auto live = map_service(json{{"ID", "x"}, {"Spec", spec}}, "services[0]");
    ASSERT_TRUE(live) << live.error().message;
    EXPECT_EQ(read_owned_fields(spec), model::owned_fields_of(*live));
  }
  json huge = kSaleorSpec;
  huge["TaskTemplate"]["Resources"]["Limits"]["NanoCPUs"] = -1;
  EXPECT_EQ(read_owned_fields(huge).error().message,
            "Spec.TaskTemplate.Resources.Limits.NanoCPUs: expected a number from 0 to 1048576000000000 "
            "(1048576 CPUs), not -1");
  EXPECT_EQ(read_owned_fields(json::array()).error().message, "Spec: expected an object");
}

TEST(EngineSpecOwned, DescribesWhatItRead) {
  EXPECT_EQ(model::describe(*read_owned_fields(kSaleorSpec)),
            "replicas=2 limits.cpus=1.5 limits.memory=1GiB reservations.cpus=0.5 "
            "reservations.memory=512MiB node=kvm4");
}

}  // namespace
}  // namespace swarmform::engine
