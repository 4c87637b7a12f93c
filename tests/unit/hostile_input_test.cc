// Issue 11, "Hostile input": each reproduction of the issue, and the edges of
// the arithmetic that could be pushed over (0, 1, INT64_MAX, INT64_MIN, the
// largest accepted values times the largest replica count).

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "reconciler/config/budget.h"
#include "reconciler/config/loader.h"
#include "reconciler/config/yaml_tree.h"
#include "reconciler/engine/docker_client.h"
#include "reconciler/engine/live_mapping.h"
#include "reconciler/engine/live_reader.h"
#include "reconciler/model/capacity.h"
#include "reconciler/model/quantity.h"
#include "support/fake_stream.h"
#include "support/load_fixture.h"

namespace swarmform {
namespace {

using model::kNano;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr uint64_t kMaxReplicas = 100000;  // the loader's bound on replicas
// The bounds of model/quantity.h, written out so that these reproductions
// also build against the code before the fix.
constexpr int64_t kMaxMemoryBytes = int64_t{1} << 60;     // 1 EiB
constexpr int64_t kMaxNanoCpus = (int64_t{1} << 20) * kNano;  // 1,048,576 CPUs
constexpr int64_t kSaturated = kMax;

// ---------------------------------------------------------------- arithmetic

TEST(HostileArithmetic, FormatMemoryIsTotal) {
  struct Case {
    int64_t bytes;
    const char* want;
  };
  const Case cases[] = {
      {0, "0B"},
      {1, "1B"},
      {-1, "-1B"},
      {kMax, "9223372036854775807B"},
      {kMin, "-8192PiB"},  // the wrapped product of the 148-byte reproduction
      {kMin + 1, "-9223372036854775807B"},
      {kMaxMemoryBytes, "1024PiB"},  // no EiB: the parser reads Docker's units, k to p
      {int64_t{4096} << 50, "4096PiB"},
      {-(int64_t{3} << 29), "-1.5GiB"},
  };
  for (const Case& c : cases) EXPECT_EQ(model::format_memory(c.bytes), c.want) << c.bytes;
}

TEST(HostileArithmetic, FormatCpusIsTotal) {
  EXPECT_EQ(model::format_cpus(0), "0");
  EXPECT_EQ(model::format_cpus(1), "0.000000001");
  EXPECT_EQ(model::format_cpus(kMax), "9223372036.854775807");
  EXPECT_EQ(model::format_cpus(kMin), "-9223372036.854775808");
}

TEST(HostileArithmetic, FormatRatioIsTotal) {
  struct Case {
    int64_t n;
    int64_t d;
    const char* want;
  };
  const int64_t two62 = int64_t{1} << 62;
  const Case cases[] = {
      {1, 0, "-"},
      {0, 1, "0.00x"},
      {1, 1, "1.00x"},
      // A capacity of 2^62 or more: `2 * denominator` overflowed ("-1.-42x").
      {two62, two62, "1.00x"},
      {5'000'000'000 * kNano / 2, 5'000'000'000 * kNano / 4, "2.00x"},
      {kMax, kMax, "1.00x"},
      {kMax, 1, "9223372036854775807.00x"},
      {1, kMax, "0.00x"},
      {kMin, 1, "-9223372036854775808.00x"},
      {kMin, kMin, "1.00x"},
      {kMin, -1, "9223372036854775808.00x"},
      {0, kMin, "0.00x"},
      {-1, 2, "-0.50x"},
      {1, -3, "-0.33x"},
      {-1, 1000, "0.00x"},  // rounds to zero: no "-0.00x"
      {9'500'000'000, 4 * kNano, "2.38x"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(model::format_ratio(c.n, c.d), c.want) << c.n << "/" << c.d;
  }
}

TEST(HostileArithmetic, RatioNanoSaturates) {
  EXPECT_EQ(model::ratio_nano(kMax, 1), kMax);
  EXPECT_EQ(model::ratio_nano(kMin, 1), kMin);
  EXPECT_EQ(model::ratio_nano(1, kMax), 0);
  EXPECT_EQ(model::ratio_nano(kMin, -1), kMax);
  EXPECT_EQ(model::ratio_nano(3, 2), 1'500'000'000);
}

TEST(HostileArithmetic, QuantitiesAreBoundedByAnyMachine) {
  EXPECT_EQ(model::parse_nano_cpus("1048576").value(), kMaxNanoCpus);
  EXPECT_EQ(model::parse_memory_bytes("1024P").value(), kMaxMemoryBytes);
  EXPECT_EQ(model::parse_memory_bytes("1152921504606846976").value(), kMaxMemoryBytes);
  for (const char* cpus : {"1048577", "1048576.000000001", "5000000000", "9223372036", "1048577000m"}) {
    auto r = model::parse_nano_cpus(cpus);
    ASSERT_FALSE(r) << cpus << " parsed as " << *r;
    EXPECT_EQ(r.error().message,
              "CPU quantity '" + std::string(cpus) + "' is too large: no machine has more than 1048576 CPUs");
  }
  for (const char* memory : {"1025P", "4096P", "1152921504606846977", "9223372036854775807", "8191P"}) {
    auto r = model::parse_memory_bytes(memory);
    ASSERT_FALSE(r) << memory << " parsed as " << *r;
    EXPECT_EQ(r.error().message,
              "memory quantity '" + std::string(memory) + "' is too large: no machine has more than 1024PiB");
  }
}

// ---------------------------------------------------------------- capacity

model::DesiredState one_host_state(int64_t cpus, int64_t memory) {
  model::DesiredState state;
  model::Host h;
  h.name = "h";
  h.capacity = {cpus, memory};
  state.hosts.emplace("h", h);
  return state;
}

void add_service(model::DesiredState& state, const std::string& name, uint64_t replicas, int64_t cpus,
                 int64_t memory) {
  model::Service s;
  s.name = name;
  s.host = "h";
  s.replicas = replicas;
  s.limits = {cpus, memory};
  s.reservations = {cpus, memory};
  state.services.emplace(name, s);
}

std::string budget_findings(const model::DesiredState& state, const std::vector<model::HostLoad>& loads) {
  model::Diagnostics diags;
  config::check_budgets(state, loads, diags);
  std::string out;
  for (const auto& d : diags.items()) out += model::format_diagnostic(d) + "\n";
  return out;
}

TEST(HostileCapacity, AWrappingProductIsOverBudgetNotACrash) {
  // What the 148-byte reproduction put into the model: 4096P x 2 replicas.
  model::DesiredState state = one_host_state(4 * kNano, int64_t{1} << 30);
  add_service(state, "s", 2, 0, int64_t{4096} << 50);
  auto loads = model::desired_host_loads(state);
  ASSERT_EQ(loads.size(), 1U);
  EXPECT_EQ(loads[0].limits.memory_bytes, kSaturated);
  EXPECT_FALSE(loads[0].memory_limits_fit());
  EXPECT_FALSE(loads[0].memory_reservations_fit());
  const std::string findings = budget_findings(state, loads);
  EXPECT_NE(findings.find("memory limits add up to at least 9223372036854775807B on 1GiB"), std::string::npos) << findings;
}

TEST(HostileCapacity, LargestAcceptedValuesTimesLargestReplicasSaturate) {
  model::DesiredState state = one_host_state(kMaxNanoCpus, kMaxMemoryBytes);
  for (const char* name : {"a", "b", "c"}) {
    add_service(state, name, kMaxReplicas, kMaxNanoCpus, kMaxMemoryBytes);
  }
  auto loads = model::desired_host_loads(state);
  ASSERT_EQ(loads.size(), 1U);
  const model::HostLoad& l = loads[0];
  EXPECT_EQ(l.limits.nano_cpus, kSaturated);
  EXPECT_EQ(l.limits.memory_bytes, kSaturated);
  EXPECT_EQ(l.reservations.nano_cpus, kSaturated);
  EXPECT_EQ(l.reservations.memory_bytes, kSaturated);
  EXPECT_FALSE(l.cpu_limits_fit());
  EXPECT_FALSE(l.memory_limits_fit());
  EXPECT_FALSE(l.cpu_reservations_fit());
  EXPECT_FALSE(l.memory_reservations_fit());
  const std::string findings = budget_findings(state, loads);
  EXPECT_EQ(findings.find("-"), std::string::npos) << findings;  // nothing wrapped negative
  EXPECT_NE(findings.find("CPU limits add up to at least 9223372036.854775807 CPUs on 1048576 CPUs "
                          "(8796.09x)"),
            std::string::npos)
      << findings;
}

TEST(HostileCapacity, ZeroAndOneAtTheEdges) {
  model::DesiredState state = one_host_state(1, 1);
  add_service(state, "zero", 0, kMaxNanoCpus, kMaxMemoryBytes);
  add_service(state, "one", 1, 1, 1);
  auto loads = model::desired_host_loads(state);
  EXPECT_EQ(loads[0].limits.nano_cpus, 1);
  EXPECT_EQ(loads[0].limits.memory_bytes, 1);
  EXPECT_TRUE(loads[0].fits());
}

TEST(HostileCapacity, EngineNanoCpusThatWouldWrapAreNotOk) {
  // Before: "NanoCPUs": INT64_MAX with two tasks wrapped the node's total
  // negative and the node was judged "ok".
  model::LiveState live;
  model::LiveNode node;
  node.id = "n1";
  node.hostname = "kvm4";
  node.nano_cpus = 4 * kNano;
  node.memory_bytes = int64_t{1} << 30;
  live.nodes.push_back(node);
  model::LiveService s;
  s.id = "s1";
  s.name = "s";
  s.limits = {kMax, 0};
  live.services.push_back(s);
  for (const char* id : {"t1", "t2"}) {
    model::LiveTask t;
    t.id = id;
    t.service_id = "s1";
    t.node_id = "n1";
    t.desired_state = "running";
    live.tasks.push_back(t);
  }
  auto loads = model::live_node_loads(live);
  ASSERT_EQ(loads.size(), 1U);
  EXPECT_GT(loads[0].limits.nano_cpus, 0);
  EXPECT_FALSE(loads[0].cpu_limits_fit());
}

// ---------------------------------------------------------------- loader

config::Loaded load(const std::string& text) {
  return config::load_desired_state({{"a.yaml", text}}, config::LoadOptions{});
}

using testing::all_diagnostics;

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

const char* const kHost = R"(version: 1
cluster: {manager: h}
hosts: {h: {ssh: 1, capacity: {cpus: 4, memory: 1G}}}
)";

TEST(HostileLoader, The148ByteReproductionIsALocatedError) {
  const std::string text = std::string(kHost) + "services: {s: {host: h, replicas: 2, limits: {memory: 4096P}}}\n";
  auto l = load(text);
  EXPECT_FALSE(l.state);
  EXPECT_NE(all_diagnostics(l).find("a.yaml:4:55: error: service 's' limits.memory: memory quantity '4096P' is too large: "
                        "no machine has more than 1024PiB"),
            std::string::npos)
      << all_diagnostics(l);
}

TEST(HostileLoader, CapacityBeyondAnyMachineIsALocatedError) {
  auto l = load("version: 1\ncluster: {manager: h}\nhosts: {h: {ssh: 1, capacity: {cpus: 5000000000, memory: 2048P}}}\n");
  EXPECT_FALSE(l.state);
  EXPECT_NE(all_diagnostics(l).find("a.yaml:3:38: error: host 'h' capacity.cpus: CPU quantity '5000000000' is too large"),
            std::string::npos)
      << all_diagnostics(l);
  EXPECT_NE(all_diagnostics(l).find("a.yaml:3:58: error: host 'h' capacity.memory: memory quantity '2048P' is too large"),
            std::string::npos)
      << all_diagnostics(l);
}

TEST(HostileLoader, ReplicasAreBounded) {
  auto l = load(std::string(kHost) + "services: {s: {host: h, replicas: 100001}}\n");
  EXPECT_FALSE(l.state);
  EXPECT_NE(all_diagnostics(l).find("replicas must be a whole number from 0 to 100000, not '100001'"), std::string::npos)
      << all_diagnostics(l);
}

TEST(HostileLoader, LimitsBelowTheEngineMinimumAreRefusedWithItsRule) {
  auto l = load(std::string(kHost) +
                "services:\n"
                "  a: {host: h, limits: {cpus: 0.005, memory: 4M}}\n"
                "  b: {host: h, reservations: {cpus: 0.001, memory: 1M}}\n"
                "  c: {host: h, reservations: {cpus: 0.0005, memory: 4M}}\n");
  EXPECT_FALSE(l.state);
  const std::string got = all_diagnostics(l);
  EXPECT_NE(got.find("a.yaml:5:31: error: service 'a' limits.cpus 0.005 is below the engine's minimum CPU limit of "
                     "0.01: dockerd enforces a CPU limit as a CFS quota per 100 ms period, and the kernel refuses a "
                     "quota under 1 ms"),
            std::string::npos)
      << got;
  EXPECT_NE(got.find("a.yaml:5:46: error: service 'a' limits.memory 4MiB is below the engine's minimum of 6MiB: "
                     "dockerd refuses a memory limit under 6 MiB (\"Minimum memory limit allowed is 6MB\")"),
            std::string::npos)
      << got;
  // Reservations are the swarm manager's (4 MiB, 0.001 CPU): dockerd 20.10
  // runs a task reserving 4 MiB, so import must be able to declare it.
  EXPECT_NE(got.find("a.yaml:6:52: error: service 'b' reservations.memory 1MiB is below the swarm's minimum of "
                     "4MiB: the swarm manager refuses a memory value under 4 MiB (\"Must be at least 4MiB\")"),
            std::string::npos)
      << got;
  EXPECT_NE(got.find("a.yaml:7:37: error: service 'c' reservations.cpus 0.0005 is below the swarm's minimum of "
                     "0.001"),
            std::string::npos)
      << got;
  EXPECT_EQ(got.find("service 'c' reservations.memory"), std::string::npos) << got;
  EXPECT_EQ(count_of(got, "error:"), 4U) << got;
}

TEST(HostileLoader, TheEngineMinimumsThemselvesAreAccepted) {
  auto l = load(std::string(kHost) +
                "services:\n"
                "  a: {host: h, limits: {cpus: 0.01, memory: 6MiB}, reservations: {cpus: 0.001, memory: 6291456}}\n");
  ASSERT_TRUE(l.state) << all_diagnostics(l);
  EXPECT_EQ(l.state->services.at("a").limits.nano_cpus, 10'000'000);
  EXPECT_EQ(l.state->services.at("a").reservations.memory_bytes, 6 * 1024 * 1024);
}

TEST(HostileLoader, AMapOfKnownKeysWithThousandsOfKeysIsOneError) {
  std::string text = std::string(kHost) + "services:\n  s:\n    host: h\n";
  for (int i = 0; i < 5000; ++i) text += "    k" + std::to_string(i) + ": 1\n";
  auto l = load(text);
  EXPECT_FALSE(l.state);
  const std::string got = all_diagnostics(l);
  // One error for the map, not 5,000 (`host` is optional since `mode:`
  // came: the host it could not read is no second error).
  EXPECT_EQ(count_of(got, "error:"), 1U) << got.substr(0, 2000);
  EXPECT_EQ(count_of(got, "unknown key"), 0U) << got.substr(0, 2000);
  EXPECT_NE(got.find("a.yaml:6:5: error: service 's' has 5001 keys; it takes at most 12 (match, host, mode, "
                     "replicas, limits, reservations, allow_data_move, image, command, env, labels, ports)"),
            std::string::npos)
      << got.substr(0, 2000);
}

TEST(HostileLoader, KeysGivenTwiceAreStillFoundWithTheFirstPlace) {
  auto l = load(std::string(kHost) + "services:\n  s:\n    host: h\n    image: a\n    host: h\n");
  EXPECT_FALSE(l.state);
  EXPECT_NE(all_diagnostics(l).find("a.yaml:8:5: error: key 'host' in service 's' is defined twice (first at a.yaml:6:5)"),
            std::string::npos)
      << all_diagnostics(l);
}

TEST(HostileLoader, HundredsOfKeysAreHashedAndTwiceIsStillFound) {
  std::string text = std::string(kHost) + "services:\n  s:\n    host: h\n";
  for (int i = 0; i < 900; ++i) text += "    k" + std::to_string(i) + ": 1\n";
  text += "    host: h\n";
  auto l = load(text);
  EXPECT_FALSE(l.state);
  const std::string got = all_diagnostics(l);
  EXPECT_EQ(count_of(got, "unknown key 'k"), 900U);
  EXPECT_NE(got.find("a.yaml:907:5: error: key 'host' in service 's' is defined twice (first at a.yaml:6:5)"),
            std::string::npos);
}

TEST(HostileLoader, AliasesExpandingPastTheBudgetStopAtTheAlias) {
  // The issue's shape, smaller: references to a 10,000-entry map of labels,
  // each copied into the model per reference.
  std::string text = std::string(kHost) + "services:\n  s0:\n    host: h\n    labels: &L {";
  for (int i = 0; i < 10000; ++i) text += (i ? ", k" : "k") + std::to_string(i) + ": v";
  text += "}\n";
  for (int i = 1; i < 200; ++i) text += "  s" + std::to_string(i) + ": {host: h, labels: *L}\n";
  auto l = load(text);
  EXPECT_FALSE(l.state);
  const std::string got = all_diagnostics(l);
  EXPECT_EQ(count_of(got, "error:"), 1U) << got;
  // Each reference weighs about 682 KiB: the 49th (s49) takes the file past 32 MiB.
  EXPECT_NE(got.find("a.yaml:56:26: error: invalid YAML: alias *L expands to about 682 KiB, which takes the "
                     "aliases of this file past 32 MiB when read: write the values out, or refer to a smaller "
                     "anchor"),
            std::string::npos)
      << got;
}

TEST(HostileLoader, SharedAnchorsOfOrdinarySizeStillLoad) {
  // 1,000 services sharing 50 labels: about 5 MiB of expansion.
  std::string text = std::string(kHost) + "services:\n  s0:\n    host: h\n    labels: &L\n";
  for (int i = 0; i < 50; ++i) text += "      com.example.label-" + std::to_string(i) + ": some-value-of-a-label\n";
  for (int i = 1; i < 1000; ++i) text += "  s" + std::to_string(i) + ": {host: h, labels: *L}\n";
  auto l = load(text);
  ASSERT_TRUE(l.state) << all_diagnostics(l).substr(0, 2000);
  EXPECT_EQ(l.state->services.at("s999").labels.size(), 50U);
}

TEST(HostileYaml, NestedAliasesAreCountedAsExpanded) {
  // "Billion laughs": nine levels of ten references each.
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level < 10; ++level) {
    std::string prev = "*a" + std::to_string(level - 1);
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", " : "") + prev;
    text += "]\n";
  }
  auto parsed = config::yaml::parse(text, 64);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().line, 6);  // the 9th reference to *a4 (3.5 MiB each)
  EXPECT_NE(parsed.error().message.find("alias *a4 expands to about 3 MiB"), std::string::npos)
      << parsed.error().message;
}

// ---------------------------------------------------------------- engine

using nlohmann::json;

json one_service() {
  return json::parse(R"([{"ID": "s1", "Version": {"Index": 1},
    "Spec": {"Name": "web", "TaskTemplate": {"Resources": {"Limits": {}, "Reservations": {}}}}}])");
}

TEST(HostileEngine, NegativeOrAbsurdQuantitiesAreRefusedNamingTheField) {
  struct Case {
    const char* pointer;
    json value;
    const char* message;
  };
  const std::string path = "services[0].Spec.TaskTemplate.Resources.";
  const Case cases[] = {
      {"/0/Spec/TaskTemplate/Resources/Limits/MemoryBytes", kMin,
       "Limits.MemoryBytes: expected a number from 0 to 1152921504606846976 (1024PiB), not -9223372036854775808"},
      {"/0/Spec/TaskTemplate/Resources/Limits/MemoryBytes", -1,
       "Limits.MemoryBytes: expected a number from 0 to 1152921504606846976 (1024PiB), not -1"},
      {"/0/Spec/TaskTemplate/Resources/Limits/NanoCPUs", kMax,
       "Limits.NanoCPUs: expected a number from 0 to 1048576000000000 (1048576 CPUs), not 9223372036854775807"},
      {"/0/Spec/TaskTemplate/Resources/Reservations/NanoCPUs", -5,
       "Reservations.NanoCPUs: expected a number from 0 to 1048576000000000 (1048576 CPUs), not -5"},
      {"/0/Spec/TaskTemplate/Resources/Reservations/MemoryBytes", kMaxMemoryBytes + 1,
       "Reservations.MemoryBytes: expected a number from 0 to 1152921504606846976 (1024PiB), not "
       "1152921504606846977"},
  };
  for (const Case& c : cases) {
    json services = one_service();
    services[json::json_pointer(c.pointer)] = c.value;
    auto r = engine::map_services(services);
    ASSERT_FALSE(r) << c.pointer;
    EXPECT_EQ(r.error().message, path + c.message) << c.pointer;
  }
  json fine = one_service();
  fine[json::json_pointer("/0/Spec/TaskTemplate/Resources/Limits/MemoryBytes")] = kMaxMemoryBytes;
  fine[json::json_pointer("/0/Spec/TaskTemplate/Resources/Limits/NanoCPUs")] = 0;
  EXPECT_TRUE(engine::map_services(fine));
}

TEST(HostileEngine, NodeCapacityIsBoundedToo) {
  auto r = engine::map_nodes(json::parse(R"([{"ID": "n1", "Description": {"Resources":
      {"NanoCPUs": -4000000000, "MemoryBytes": 1024}}}])"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "nodes[0].Description.Resources.NanoCPUs: expected a number from 0 to 1048576000000000 (1048576 CPUs), "
            "not -4000000000");
}

std::string reply(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(HostileEngine, AServicesBodyNested100000LevelsIsAClearError) {
  // Before: nlohmann parsed it (its parser keeps a heap stack), then the
  // mapping's recursive dump() of the Spec overflowed the call stack.
  const size_t levels = 100000;
  const std::string body = R"([{"ID": "s1", "Spec": {"Name": "deep", "Labels": {}, "X": )" +
                           std::string(levels, '[') + std::string(levels, ']') + "}}]";
  testing::FakeServer server;
  server.connection_with({reply(R"({"ApiVersion": "1.41", "MinAPIVersion": "1.12"})"), reply("[]"), reply(body),
                          reply("[]")});
  auto client = engine::DockerClient::connect(server.dialer());
  ASSERT_TRUE(client) << client.error().message;
  auto state = engine::read_live_state(*client);
  ASSERT_FALSE(state);
  EXPECT_NE(state.error().message.find("GET /v1.41/services?status=true: JSON from engine nested more than 100 "
                                       "levels deep"),
            std::string::npos)
      << state.error().message;
}

}  // namespace
}  // namespace swarmform
