// import as a pure function: live state -> the entries and host values a
// desired state needs to declare it.  The round-trip property is checked
// here with plain values too: the imported YAML, loaded by the real loader
// and planned against the same live state, plans no change.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "reconciler/adopt/import_mapping.h"
#include "reconciler/adopt/import_yaml.h"
#include "reconciler/adopt/value_edit.h"
#include "reconciler/config/loader.h"
#include "reconciler/plan/compute.h"
#include "support/load_fixture.h"

namespace swarmform::adopt {
namespace {

constexpr int64_t kMi = int64_t{1} << 20;
constexpr int64_t kGi = int64_t{1} << 30;
constexpr int64_t kCpu = 1'000'000'000;

model::DesiredState hosts_only() {
  config::Loaded l = testing::load_for_import({{"cluster.yaml", testing::kImportHostsYaml}});
  EXPECT_TRUE(l.state) << testing::first_problem(l);
  return *l.state;
}

/// kvm4 (manager, 2 CPUs, 24683620KiB) and vps2 (its hostname is not the
/// key kvm2; found by the address kvm2's ssh names).
model::LiveState two_nodes() {
  model::LiveState live;
  live.engine_version = "20.10.24";
  auto node = [](std::string id, std::string hostname, std::string role, std::string address, int64_t memory) {
    model::LiveNode n;
    n.id = std::move(id);
    n.hostname = std::move(hostname);
    n.role = std::move(role);
    n.availability = "active";
    n.state = "ready";
    n.address = std::move(address);
    n.nano_cpus = 2 * kCpu;
    n.memory_bytes = memory;
    return n;
  };
  live.nodes.push_back(node("n4", "kvm4", "manager", "203.0.113.4", 24683620 * int64_t{1024}));
  live.nodes.push_back(node("n2", "vps2", "worker", "203.0.113.2", 8 * kGi));
  return live;
}

model::LiveService service(const std::string& name, std::vector<std::string> constraints = {}) {
  model::LiveService s;
  s.id = "id-" + name;
  s.name = name;
  s.replicas = 1;
  s.constraints = std::move(constraints);
  return s;
}

void run_task(model::LiveState& live, const model::LiveService& s, const std::string& node_id) {
  model::LiveTask t;
  t.id = "t-" + s.id + node_id;
  t.service_id = s.id;
  t.node_id = node_id;
  t.slot = 1;
  t.desired_state = "running";
  t.state = "running";
  live.tasks.push_back(t);
}

const ImportedService& entry(const ImportResult& r, const std::string& key) {
  for (const auto& s : r.services) {
    if (s.key == key) return s;
  }
  throw std::runtime_error("no imported entry " + key);
}

TEST(AdoptSuffix, GlobsOnlyDokployStyleSuffixes) {
  EXPECT_EQ(generated_suffix_glob("infrastructureservices-saleorapi-a1b2c3"), "infrastructureservices-saleorapi-*");
  EXPECT_EQ(generated_suffix_glob("app-123456"), "app-*");
  EXPECT_EQ(generated_suffix_glob("saleor-worker"), std::nullopt);  // a word: no digit
  EXPECT_EQ(generated_suffix_glob("temporal-server"), std::nullopt);
  EXPECT_EQ(generated_suffix_glob("app-a1b2c"), std::nullopt);    // 5 characters
  EXPECT_EQ(generated_suffix_glob("app-a1b2c3d"), std::nullopt);  // 7
  EXPECT_EQ(generated_suffix_glob("app-A1B2C3"), std::nullopt);   // upper case: not generated
  EXPECT_EQ(generated_suffix_glob("-a1b2c3"), std::nullopt);      // nothing before it
  EXPECT_EQ(generated_suffix_glob("a1b2c3"), std::nullopt);
}

TEST(AdoptPins, HostnameAndNodeIdPinsResolveToOneHostname) {
  model::LiveState live = two_nodes();
  EXPECT_EQ(pinned_hostname(service("a", {"node.hostname==kvm4"}), live), "kvm4");
  EXPECT_EQ(pinned_hostname(service("a", {"node.id == n2"}), live), "vps2");
  EXPECT_EQ(pinned_hostname(service("a", {"node.role==worker", "node.id==n2", "node.hostname==vps2"}), live), "vps2");
  EXPECT_EQ(pinned_hostname(service("a", {"node.id==n2", "node.hostname==kvm4"}), live), std::nullopt);
  EXPECT_EQ(pinned_hostname(service("a", {"node.id==gone"}), live), std::nullopt);
  EXPECT_EQ(pinned_hostname(service("a", {"node.role==worker"}), live), std::nullopt);
}

TEST(AdoptHosts, FillsMissingCapacityAndANodeWhoseHostnameDiffers) {
  ImportResult r = import_state(hosts_only(), two_nodes());
  ASSERT_EQ(r.hosts.size(), 2u);
  const HostFill& kvm2 = r.hosts[0];  // sorted by name
  const HostFill& kvm4 = r.hosts[1];
  EXPECT_EQ(kvm2.host, "kvm2");
  EXPECT_EQ(kvm2.node, "vps2");
  EXPECT_FALSE(kvm2.capacity);  // declared: kept
  EXPECT_EQ(kvm4.node, std::nullopt);
  ASSERT_TRUE(kvm4.capacity);
  EXPECT_EQ(kvm4.capacity->nano_cpus, 2 * kCpu);
  EXPECT_EQ(kvm4.capacity->memory_bytes, 24105 * kMi);  // 24683620KiB rounded down to MiB
  EXPECT_TRUE(kvm4.memory_rounded);
  EXPECT_EQ(kvm4.node_reports, "node kvm4 reports 2 CPUs and 24683620KiB");
}

TEST(AdoptHosts, AHostNoNodeCanBeFoundForIsANoteNotAGuess) {
  model::LiveState live = two_nodes();
  live.nodes[1].address = "10.0.0.9";
  ImportResult r = import_state(hosts_only(), live);
  ASSERT_EQ(r.hosts.size(), 1u);
  EXPECT_EQ(r.hosts[0].host, "kvm4");
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("host 'kvm2': no swarm node is named 'kvm2'"), std::string::npos) << r.notes[0];
  EXPECT_NE(r.notes[0].find("set its `node:`"), std::string::npos) << r.notes[0];
}

TEST(AdoptServices, EveryShapeIsDeclaredAsItRuns) {
  model::LiveState live = two_nodes();
  auto add = [&](model::LiveService s) -> model::LiveService& { return live.services.emplace_back(std::move(s)); };
  auto& limits_only = add(service("limits-only", {"node.hostname==kvm4"}));
  limits_only.limits = {kCpu / 2, 256 * kMi};
  auto& reservations_only = add(service("reservations-only", {"node.hostname==kvm4"}));
  reservations_only.reservations = {kCpu / 4, 0};
  auto& none = add(service("none", {"node.id==n2"}));
  none.replicas = 0;
  auto& three = add(service("three", {"node.role==worker", "node.hostname==vps2"}));
  three.replicas = 3;
  three.limits = {kCpu, 0};
  model::LiveService& unpinned = add(service("unpinned"));
  run_task(live, unpinned, "n4");
  run_task(live, unpinned, "n2");
  auto& global = add(service("agent"));
  global.mode = "global";
  global.global = true;
  global.replicas.reset();
  global.limits = {kCpu / 10, 64 * kMi};
  auto& job = add(service("migrate"));
  job.mode = "replicated-job";
  job.replicas.reset();
  add(service("infrastructureservices-saleorapi-a1b2c3", {"node.hostname==kvm4"}));

  ImportResult r = import_state(hosts_only(), live);
  ASSERT_EQ(r.services.size(), 8u);
  std::vector<std::string> keys;
  for (const auto& s : r.services) keys.push_back(s.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"agent", "infrastructureservices-saleorapi", "limits-only", "migrate",
                                            "none", "reservations-only", "three", "unpinned"}));

  const ImportedService& l = entry(r, "limits-only");
  EXPECT_EQ(l.host, "kvm4");
  EXPECT_EQ(l.replicas, 1u);
  EXPECT_EQ(l.limits, (model::ResourceSpec{kCpu / 2, 256 * kMi}));
  EXPECT_EQ(l.reservations, model::ResourceSpec{});
  EXPECT_EQ(l.limits_comment, "");

  const ImportedService& res = entry(r, "reservations-only");
  EXPECT_EQ(res.reservations, (model::ResourceSpec{kCpu / 4, std::nullopt}));
  EXPECT_EQ(res.limits_comment, "no limit: it may use the whole host (validate warns)");

  EXPECT_EQ(entry(r, "none").host, "kvm2");  // pinned by node id, to the node kvm2 is
  EXPECT_EQ(entry(r, "none").replicas, 0u);
  EXPECT_EQ(entry(r, "three").host, "kvm2");
  EXPECT_EQ(entry(r, "three").replicas, 3u);
  EXPECT_EQ(entry(r, "three").limits_comment, "no memory limit");

  const ImportedService& u = entry(r, "unpinned");
  EXPECT_EQ(u.host, "");
  EXPECT_EQ(u.host_comment, "not pinned to one host: its tasks run on kvm2, kvm4 now");

  const ImportedService& g = entry(r, "agent");
  EXPECT_EQ(g.mode, model::ServiceMode::global);
  EXPECT_EQ(g.replicas, std::nullopt);
  EXPECT_EQ(g.host_comment, "");
  EXPECT_NE(g.mode_comment.find("one task on every node"), std::string::npos);

  EXPECT_EQ(entry(r, "migrate").mode, model::ServiceMode::replicated_job);
  EXPECT_EQ(entry(r, "migrate").replicas, std::nullopt);

  const ImportedService& saleor = entry(r, "infrastructureservices-saleorapi");
  EXPECT_EQ(saleor.match, "infrastructureservices-saleorapi-*");
  EXPECT_EQ(saleor.live_name, "infrastructureservices-saleorapi-a1b2c3");
}

TEST(AdoptServices, DeclaredServicesAreLeftAloneAndKeysNeverCollide) {
  model::DesiredState desired = hosts_only();
  model::Service web;
  web.name = "web";
  web.match = "web";
  web.host = "kvm4";
  desired.services["web"] = web;
  model::Service app;
  app.name = "app";
  app.match = "app";
  app.host = "kvm4";
  desired.services["app"] = app;
  model::LiveState live = two_nodes();
  live.services.push_back(service("web"));
  live.services.push_back(service("app-x1y2z3"));  // its stem "app" is declared
  live.services.push_back(service("cron-a1b2c3"));  // two with the same stem: the glob would match both
  live.services.push_back(service("cron-d4e5f6"));

  ImportResult r = import_state(desired, live);
  EXPECT_EQ(r.already_declared, 1u);
  ASSERT_EQ(r.services.size(), 3u);
  EXPECT_EQ(r.services[0].key, "app-x1y2z3");
  EXPECT_EQ(r.services[0].match, "app-*");
  EXPECT_EQ(r.services[1].key, "cron-a1b2c3");
  EXPECT_EQ(r.services[1].match, std::nullopt);
  EXPECT_EQ(r.services[2].key, "cron-d4e5f6");
  ASSERT_EQ(r.notes.size(), 3u);  // the stem "app" taken, and the two cron globs
  EXPECT_TRUE(std::any_of(r.notes.begin(), r.notes.end(), [](const std::string& n) {
    return n.find("'app-x1y2z3' is declared by its full name, matching 'app-*'") != std::string::npos;
  }));
}

TEST(AdoptYaml, ScalarsAreQuotedOnlyWhereYamlWouldReadThemOtherwise) {
  EXPECT_EQ(yaml_scalar("web"), "web");
  EXPECT_EQ(yaml_scalar("saleor-api-*"), "saleor-api-*");
  EXPECT_EQ(yaml_scalar("db1"), "db1");
  EXPECT_EQ(yaml_scalar("true"), "\"true\"");
  EXPECT_EQ(yaml_scalar("No"), "\"No\"");
  EXPECT_EQ(yaml_scalar("123"), "\"123\"");
  EXPECT_EQ(yaml_scalar("1e3"), "\"1e3\"");
  EXPECT_EQ(yaml_scalar("0x1f"), "\"0x1f\"");
  EXPECT_EQ(yaml_scalar("2026-12-01"), "\"2026-12-01\"");
  EXPECT_EQ(yaml_scalar("*x"), "\"*x\"");
  EXPECT_EQ(yaml_scalar("a: b"), "\"a: b\"");
  EXPECT_EQ(yaml_scalar("a\"b\x01"), "\"a\\\"b\\x01\"");
}

TEST(AdoptHosts, TheHostEditsKeepTheFileAndAddCapacityAndNode) {
  model::DesiredState desired = hosts_only();
  ImportResult r = import_state(desired, two_nodes());
  std::vector<ValueEdit> edits;
  for (const auto& fill : r.hosts) {
    for (auto& e : host_fill_edits(desired, fill)) edits.push_back(std::move(e));
  }
  Result<std::string> text = apply_edits("cluster.yaml", testing::kImportHostsYaml, edits);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, R"(version: 1
cluster:
  manager: kvm4
hosts:
  kvm4:
    ssh: root@203.0.113.4
    capacity:
      cpus: 2
      memory: 24105MiB  # node kvm4 reports 2 CPUs and 24683620KiB (rounded down to MiB)
  kvm2:
    ssh: root@203.0.113.2
    capacity: {cpus: 2, memory: 8GiB}
    node: vps2  # the swarm node's hostname
)");
}

/// The round trip with the real loader and plan: import, make the host
/// edits and render the services file, load both and plan against the same
/// live state.
void expect_round_trip(const model::LiveState& live, const std::string& what) {
  model::DesiredState desired = hosts_only();
  ImportResult r = import_state(desired, live);
  std::vector<ValueEdit> edits;
  for (const auto& fill : r.hosts) {
    for (auto& e : host_fill_edits(desired, fill)) edits.push_back(std::move(e));
  }
  Result<std::string> hosts = apply_edits("cluster.yaml", testing::kImportHostsYaml, edits);
  ASSERT_TRUE(hosts) << hosts.error().message;
  std::string services = services_file(r.services, {"", "2026-12-01", "kvm4", "20.10.24"});
  config::Loaded loaded = testing::load_for_import({{"cluster.yaml", *hosts}, {"services.yaml", services}});
  ASSERT_TRUE(loaded.state) << what << "\n" << *hosts << services << "\n" << testing::first_problem(loaded);
  for (const auto& [name, h] : loaded.state->hosts) EXPECT_TRUE(h.capacity_declared) << name << "\n" << *hosts;
  plan::Plan p = plan::compute_plan(*loaded.state, live, {});
  EXPECT_TRUE(p.empty()) << what << "\n" << services;
  for (const auto& f : p.findings) {
    EXPECT_NE(f.severity, model::Severity::error) << what << ": " << f.subject << " " << f.message << "\n" << services;
  }
}

TEST(AdoptRoundTrip, RandomSwarmsImportToAStateThatPlansNoChange) {
  const unsigned seed = 20261201;
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  for (int round = 0; round < 200; ++round) {
    model::LiveState live = two_nodes();
    int count = 1 + pick(8);
    for (int i = 0; i < count; ++i) {
      std::string name = "svc" + std::to_string(i);
      if (pick(4) == 0) name += "-" + std::string(1, static_cast<char>('a' + pick(26))) + std::to_string(10000 + pick(89999));
      std::vector<std::string> constraints;
      switch (pick(5)) {
        case 0: constraints = {"node.hostname==kvm4"}; break;
        case 1: constraints = {"node.id==n2"}; break;
        case 2: constraints = {"node.role==worker", "node.hostname==vps2"}; break;
        case 3: constraints = {"node.role==manager"}; break;
        default: break;
      }
      model::LiveService s = service(name, constraints);
      switch (pick(6)) {
        case 0: s.mode = "global"; s.global = true; s.replicas.reset(); break;
        case 1: s.mode = "replicated-job"; s.replicas.reset(); break;
        default: s.replicas = static_cast<uint64_t>(pick(4)); break;
      }
      auto quantity = [&](int64_t unit, int64_t min) { return pick(3) == 0 ? 0 : min + unit * pick(8); };
      s.limits = {quantity(kCpu / 4, kCpu / 100), quantity(64 * kMi, 6 * kMi)};
      s.reservations = {s.limits.nano_cpus ? s.limits.nano_cpus / 2 : quantity(kCpu / 4, 0),
                        s.limits.memory_bytes ? s.limits.memory_bytes / 2 : quantity(64 * kMi, 0)};
      if (s.reservations.memory_bytes != 0 && s.reservations.memory_bytes < 6 * kMi) s.reservations.memory_bytes = 0;
      if (s.reservations.nano_cpus != 0 && s.reservations.nano_cpus < kCpu / 100) s.reservations.nano_cpus = 0;
      live.services.push_back(s);
      if (s.replicas.value_or(1) > 0 && constraints.empty()) run_task(live, live.services.back(), pick(2) ? "n4" : "n2");
    }
    expect_round_trip(live, "seed " + std::to_string(seed) + " round " + std::to_string(round));
    if (::testing::Test::HasFailure()) return;
  }
}

}  // namespace
}  // namespace swarmform::adopt
