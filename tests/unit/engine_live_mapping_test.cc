#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "reconciler/engine/live_mapping.h"

namespace swarmform::engine {
namespace {

using nlohmann::json;

// The shape of the lab's `GET /v1.41/services?status=true` (dockerd 20.10.24),
// for `docker service create --limit-cpu 0.5 --limit-memory 64M --reserve-cpu
// 0.1 --reserve-memory 32M --replicas 2 --constraint node.hostname==kvm2
// --label a=b --env X=1 --mount ...` and `--mode global`; the pgdata mount
// with a volume driver was added by `--mount ...,volume-driver=local,...`.
const char* const kServices = R"([
  {
    "ID": "jfy37tj7sngtl1c7kmvk5jvts",
    "Version": {"Index": 16},
    "CreatedAt": "2026-11-26T19:34:02.529922615Z",
    "UpdatedAt": "2026-11-26T19:34:02.529922615Z",
    "Spec": {
      "Name": "sfeng-shape-web",
      "Labels": {"a": "b"},
      "TaskTemplate": {
        "ContainerSpec": {
          "Image": "local/busybox:1",
          "Env": ["X=1"],
          "Init": false,
          "Mounts": [
            {"Type": "volume", "Source": "webdata", "Target": "/data"},
            {"Type": "bind", "Source": "/tmp", "Target": "/host-tmp", "ReadOnly": true},
            {"Type": "volume", "Source": "pgdata", "Target": "/var/lib/pg",
             "VolumeOptions": {"DriverConfig": {"Name": "local",
                                                "Options": {"device": "tmpfs", "type": "tmpfs"}}}}
          ],
          "DNSConfig": {},
          "Isolation": "default"
        },
        "Resources": {
          "Limits": {"NanoCPUs": 500000000, "MemoryBytes": 67108864},
          "Reservations": {"NanoCPUs": 100000000, "MemoryBytes": 33554432}
        },
        "Placement": {"Constraints": ["node.hostname==kvm2"]},
        "ForceUpdate": 0,
        "Runtime": "container"
      },
      "Mode": {"Replicated": {"Replicas": 2}},
      "EndpointSpec": {"Mode": "vip"}
    },
    "Endpoint": {"Spec": {}},
    "ServiceStatus": {"RunningTasks": 2, "DesiredTasks": 2, "CompletedTasks": 0}
  },
  {
    "ID": "tkptffh9j24b0k6xothampbk7",
    "Version": {"Index": 19},
    "CreatedAt": "2026-11-26T19:34:02.599923099Z",
    "UpdatedAt": "2026-11-26T19:34:02.599923099Z",
    "Spec": {
      "Name": "sfeng-shape-agent",
      "Labels": {},
      "TaskTemplate": {
        "ContainerSpec": {
          "Image": "local/busybox:1",
          "Init": false,
          "DNSConfig": {},
          "Isolation": "default"
        },
        "Resources": {"Limits": {}, "Reservations": {}},
        "Placement": {},
        "ForceUpdate": 0,
        "Runtime": "container"
      },
      "Mode": {"Global": {}},
      "EndpointSpec": {"Mode": "vip"}
    },
    "Endpoint": {"Spec": {}},
    "ServiceStatus": {"RunningTasks": 2, "DesiredTasks": 2, "CompletedTasks": 0}
  }
])";

// The lab's `GET /v1.41/nodes`, without Engine plugins and TLSInfo.
const char* const kNodes = R"([
  {
    "ID": "3q7lzpjtnx0i5wb8dvmkdd7f5",
    "Version": {"Index": 9},
    "Spec": {"Labels": {}, "Role": "manager", "Availability": "active"},
    "Description": {
      "Hostname": "kvm4",
      "Platform": {"Architecture": "x86_64", "OS": "linux"},
      "Resources": {"NanoCPUs": 2000000000, "MemoryBytes": 25276026880},
      "Engine": {"EngineVersion": "20.10.24+dfsg1"}
    },
    "Status": {"State": "ready", "Addr": "10.77.0.4"},
    "ManagerStatus": {"Leader": true, "Reachability": "reachable", "Addr": "10.77.0.4:2377"}
  },
  {
    "ID": "y9exwxqaanafu225mxihwfip4",
    "Version": {"Index": 15},
    "Spec": {"Labels": {"tier": "small"}, "Role": "worker", "Availability": "drain"},
    "Description": {
      "Hostname": "kvm2",
      "Resources": {"NanoCPUs": 2000000000, "MemoryBytes": 25276026880}
    },
    "Status": {"State": "down", "Addr": "10.77.0.2"}
  }
])";

// The lab's `GET /v1.41/tasks` for desired-state=running: a replicated task
// (with Slot) and a global one (no Slot), Spec trimmed.
const char* const kTasks = R"([
  {
    "ID": "i238fbc838gh6tkscts6bcl4q",
    "Version": {"Index": 27},
    "Labels": {},
    "Spec": {"ContainerSpec": {"Image": "local/busybox:1"}},
    "ServiceID": "jfy37tj7sngtl1c7kmvk5jvts",
    "Slot": 2,
    "NodeID": "y9exwxqaanafu225mxihwfip4",
    "Status": {
      "Timestamp": "2026-11-26T19:34:04.608870446Z",
      "State": "running",
      "Message": "started",
      "ContainerStatus": {"ContainerID": "633197b7", "PID": 9626, "ExitCode": 0},
      "PortStatus": {}
    },
    "DesiredState": "running"
  },
  {
    "ID": "a6uo3nh91ohs4wddpxzsdg5ss",
    "Version": {"Index": 26},
    "ServiceID": "tkptffh9j24b0k6xothampbk7",
    "NodeID": "3q7lzpjtnx0i5wb8dvmkdd7f5",
    "Status": {"State": "rejected", "Message": "preparing",
               "Err": "No such image: local/busybox:2"},
    "DesiredState": "running"
  }
])";

TEST(LiveMapping, ReplicatedServiceWithLimitsMountsAndLabels) {
  auto services = map_services(json::parse(kServices));
  ASSERT_TRUE(services) << services.error().message;
  ASSERT_EQ(services->size(), 2U);
  const model::LiveService& web = (*services)[0];
  EXPECT_EQ(web.id, "jfy37tj7sngtl1c7kmvk5jvts");
  EXPECT_EQ(web.name, "sfeng-shape-web");
  EXPECT_EQ(web.version_index, 16U);
  EXPECT_EQ(web.mode, "replicated");
  EXPECT_FALSE(web.global);
  EXPECT_EQ(web.replicas, 2U);
  EXPECT_EQ(web.limits.nano_cpus, 500000000);
  EXPECT_EQ(web.limits.memory_bytes, 67108864);
  EXPECT_EQ(web.reservations.nano_cpus, 100000000);
  EXPECT_EQ(web.reservations.memory_bytes, 33554432);
  EXPECT_EQ(web.constraints, std::vector<std::string>{"node.hostname==kvm2"});
  EXPECT_EQ(web.labels, (std::map<std::string, std::string>{{"a", "b"}}));
  EXPECT_EQ(web.image, "local/busybox:1");
  EXPECT_EQ(web.running_tasks, 2U);
  EXPECT_EQ(web.desired_tasks, 2U);
  ASSERT_EQ(web.mounts.size(), 3U);
  EXPECT_EQ(web.mounts[0].type, "volume");
  EXPECT_EQ(web.mounts[0].source, "webdata");
  EXPECT_EQ(web.mounts[0].target, "/data");
  EXPECT_EQ(web.mounts[0].volume_driver, "");
  EXPECT_EQ(web.mounts[1].type, "bind");
  EXPECT_EQ(web.mounts[1].source, "/tmp");
  EXPECT_EQ(web.mounts[2].volume_driver, "local");
}

TEST(LiveMapping, SpecJsonIsTheWholeSpec) {
  json services = json::parse(kServices);
  auto web = map_service(services[0], "services[0]");
  ASSERT_TRUE(web) << web.error().message;
  EXPECT_EQ(json::parse(web->spec_json), services[0]["Spec"]);
}

TEST(LiveMapping, GlobalServiceWithEmptyResources) {
  auto services = map_services(json::parse(kServices));
  ASSERT_TRUE(services) << services.error().message;
  const model::LiveService& agent = (*services)[1];
  EXPECT_EQ(agent.mode, "global");
  EXPECT_TRUE(agent.global);
  EXPECT_FALSE(agent.replicas);
  EXPECT_EQ(agent.limits.nano_cpus, 0);
  EXPECT_EQ(agent.limits.memory_bytes, 0);
  EXPECT_EQ(agent.reservations.nano_cpus, 0);
  EXPECT_TRUE(agent.constraints.empty());
  EXPECT_TRUE(agent.mounts.empty());
  EXPECT_TRUE(agent.labels.empty());
}

TEST(LiveMapping, MissingOptionalFieldsTakeDefaults) {
  json minimal = json::parse(R"({"ID": "x1", "Spec": {"Name": "bare"}})");
  auto s = map_service(minimal, "services[0]");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->name, "bare");
  EXPECT_EQ(s->mode, "replicated");
  EXPECT_EQ(s->replicas, 1U);
  EXPECT_EQ(s->version_index, 0U);
  EXPECT_EQ(s->limits.nano_cpus, 0);
  EXPECT_EQ(s->running_tasks, 0U);  // listed without ?status=true
  EXPECT_EQ(s->image, "");
  EXPECT_EQ(s->spec_json, R"({"Name":"bare"})");
}

TEST(LiveMapping, JobModes) {
  auto job = map_service(json::parse(R"({"ID": "j", "Spec": {"Name": "migrate",
      "Mode": {"ReplicatedJob": {"MaxConcurrent": 1, "TotalCompletions": 1}}}})"),
                         "s");
  ASSERT_TRUE(job) << job.error().message;
  EXPECT_EQ(job->mode, "replicated-job");
  EXPECT_FALSE(job->replicas);
  auto global_job = map_service(json::parse(R"({"ID": "g", "Spec": {"Name": "prune",
      "Mode": {"GlobalJob": {}}}})"),
                                "s");
  ASSERT_TRUE(global_job) << global_job.error().message;
  EXPECT_EQ(global_job->mode, "global-job");
  EXPECT_TRUE(global_job->global);
}

TEST(LiveMapping, ReplicasOfTheWrongTypeNameThePath) {
  json services = json::parse(kServices);
  services.push_back(services[0]);
  services.push_back(services[0]);
  services[3]["Spec"]["Mode"]["Replicated"]["Replicas"] = "2";
  auto r = map_services(services);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "services[3].Spec.Mode.Replicated.Replicas: expected a number");
}

struct WrongType {
  const char* pointer;  ///< JSON pointer into kServices[0]
  json value;
  const char* message;
};

TEST(LiveMapping, WrongTypesAreErrorsNamingThePath) {
  const std::vector<WrongType> cases = {
      {"/Spec/Name", 7, "services[0].Spec.Name: expected a string"},
      {"/Version/Index", -3, "services[0].Version.Index: expected a non-negative number"},
      {"/Spec/Mode/Replicated/Replicas", 1.5,
       "services[0].Spec.Mode.Replicated.Replicas: expected a whole number"},
      {"/Spec/TaskTemplate/Resources/Limits/NanoCPUs", "0.5",
       "services[0].Spec.TaskTemplate.Resources.Limits.NanoCPUs: expected a number"},
      {"/Spec/TaskTemplate/Resources", json::array(),
       "services[0].Spec.TaskTemplate.Resources: expected an object"},
      {"/Spec/TaskTemplate/Placement/Constraints", "node.hostname==kvm2",
       "services[0].Spec.TaskTemplate.Placement.Constraints: expected an array"},
      {"/Spec/TaskTemplate/Placement/Constraints/0", false,
       "services[0].Spec.TaskTemplate.Placement.Constraints[0]: expected a string"},
      {"/Spec/Labels/a", 1, "services[0].Spec.Labels.a: expected a string"},
      {"/Spec/TaskTemplate/ContainerSpec/Mounts/1", "bind",
       "services[0].Spec.TaskTemplate.ContainerSpec.Mounts[1]: expected an object"},
      {"/Spec/TaskTemplate/ContainerSpec/Mounts/2/VolumeOptions/DriverConfig/Name", 1,
       "services[0].Spec.TaskTemplate.ContainerSpec.Mounts[2].VolumeOptions.DriverConfig.Name: "
       "expected a string"},
      {"/ServiceStatus/RunningTasks", "2",
       "services[0].ServiceStatus.RunningTasks: expected a number"},
      {"/ID", nullptr, "services[0].ID: missing"},
  };
  for (const auto& c : cases) {
    json services = json::parse(kServices);
    services[0][json::json_pointer(c.pointer)] = c.value;
    auto r = map_services(services);
    ASSERT_FALSE(r) << c.pointer;
    EXPECT_EQ(r.error().message, c.message) << c.pointer;
  }
}

TEST(LiveMapping, NotAnArrayOrObject) {
  EXPECT_EQ(map_services(json::object()).error().message, "services: expected an array");
  EXPECT_EQ(map_nodes(json::parse("[1]")).error().message, "nodes[0]: expected an object");
  EXPECT_EQ(map_tasks(json::parse(R"([{"ID": "t", "Status": "running"}])")).error().message,
            "tasks[0].Status: expected an object");
}

TEST(LiveMapping, Nodes) {
  auto nodes = map_nodes(json::parse(kNodes));
  ASSERT_TRUE(nodes) << nodes.error().message;
  ASSERT_EQ(nodes->size(), 2U);
  const model::LiveNode& kvm4 = (*nodes)[0];
  EXPECT_EQ(kvm4.id, "3q7lzpjtnx0i5wb8dvmkdd7f5");
  EXPECT_EQ(kvm4.hostname, "kvm4");
  EXPECT_EQ(kvm4.role, "manager");
  EXPECT_EQ(kvm4.availability, "active");
  EXPECT_EQ(kvm4.state, "ready");
  EXPECT_EQ(kvm4.address, "10.77.0.4");
  EXPECT_EQ(kvm4.nano_cpus, 2000000000);
  EXPECT_EQ(kvm4.memory_bytes, 25276026880);
  EXPECT_TRUE(kvm4.labels.empty());
  const model::LiveNode& kvm2 = (*nodes)[1];
  EXPECT_EQ(kvm2.role, "worker");
  EXPECT_EQ(kvm2.availability, "drain");
  EXPECT_EQ(kvm2.state, "down");
  EXPECT_EQ(kvm2.labels.at("tier"), "small");
}

TEST(LiveMapping, Tasks) {
  auto tasks = map_tasks(json::parse(kTasks));
  ASSERT_TRUE(tasks) << tasks.error().message;
  ASSERT_EQ(tasks->size(), 2U);
  const model::LiveTask& t = (*tasks)[0];
  EXPECT_EQ(t.id, "i238fbc838gh6tkscts6bcl4q");
  EXPECT_EQ(t.service_id, "jfy37tj7sngtl1c7kmvk5jvts");
  EXPECT_EQ(t.node_id, "y9exwxqaanafu225mxihwfip4");
  EXPECT_EQ(t.slot, 2U);
  EXPECT_EQ(t.desired_state, "running");
  EXPECT_EQ(t.state, "running");
  EXPECT_EQ(t.message, "started");
  EXPECT_EQ(t.error, "");
  EXPECT_EQ(t.version_index, 27U);
  const model::LiveTask& global = (*tasks)[1];
  EXPECT_EQ(global.slot, 0U);
  EXPECT_EQ(global.state, "rejected");
  EXPECT_EQ(global.error, "No such image: local/busybox:2");
}

}  // namespace
}  // namespace swarmform::engine
