#include "reconciler/config/loader.h"

#include <gtest/gtest.h>

#include <chrono>

#include "support/load_fixture.h"

namespace swarmform::config {
namespace {

using model::SourceFile;

const char* kHosts = R"(version: 1
cluster:
  manager: kvm4
hosts:
  kvm4:
    ssh: root@203.0.113.4:2222
    capacity: {cpus: 4, memory: 16GiB}
  kvm2:
    ssh: deploy@203.0.113.2
    node: vps-2
    transport: dial-stdio
    capacity: {cpus: 2, memory: 8GiB}
)";

Loaded load(std::vector<SourceFile> files) { return load_desired_state(files, LoadOptions{}); }

using testing::all_diagnostics;

TEST(Loader, ReadsHostsAndServicesWithDefaults) {
  auto l = load({{"a.yaml", kHosts},
                 {"b.yaml", "services:\n  web:\n    host: kvm2\n    replicas: 3\n"
                            "    limits: {cpus: \"500m\", memory: 512M}\n"
                            "    reservations: {cpus: 0.1}\n"}});
  ASSERT_TRUE(l.state) << all_diagnostics(l);
  const auto& s = *l.state;
  EXPECT_EQ(s.manager, "kvm4");
  EXPECT_EQ(s.hosts.at("kvm4").ssh.port, 2222);
  EXPECT_EQ(s.hosts.at("kvm4").ssh.user, "root");
  EXPECT_EQ(s.hosts.at("kvm4").node, "kvm4");
  EXPECT_EQ(s.hosts.at("kvm2").ssh.user, "deploy");
  EXPECT_EQ(s.hosts.at("kvm2").ssh.port, 22);
  EXPECT_EQ(s.hosts.at("kvm2").node, "vps-2");
  EXPECT_EQ(s.hosts.at("kvm2").transport, model::TransportMode::dial_stdio);
  const auto& web = s.services.at("web");
  EXPECT_EQ(web.match, "web");
  EXPECT_EQ(web.replicas, 3u);
  EXPECT_EQ(web.limits.nano_cpus, 500'000'000);
  EXPECT_EQ(web.limits.memory_bytes, 512 * 1024 * 1024);
  EXPECT_EQ(web.reservations.nano_cpus, 100'000'000);
  EXPECT_FALSE(web.reservations.memory_bytes.has_value());
  EXPECT_EQ(s.files, (std::vector<std::string>{"a.yaml", "b.yaml"}));
}

TEST(Loader, UnknownKeySuggestsTheClosestWithItsPlace) {
  auto l = load({{"a.yaml", kHosts},
                 {"s.yaml", "services:\n  saleor-api:\n    host: kvm2\n    limts: {cpus: 1}\n"}});
  EXPECT_FALSE(l.state);
  EXPECT_REPORTS(l, "s.yaml:4:5: error: unknown key 'limts' in service 'saleor-api'; did you mean 'limits'?");
}

TEST(Loader, UnknownTopLevelAndHostKeys) {
  auto l = load({{"a.yaml", std::string(kHosts) + "polcy: {}\n"},
                 {"b.yaml", "hosts:\n  kvm9:\n    ssh: x\n    capacty: {cpus: 1, memory: 1G}\n"}});
  EXPECT_REPORTS(l, "a.yaml:13:1: error: unknown key 'polcy' in the desired state; did you mean 'policy'?");
  EXPECT_REPORTS(l, "b.yaml:4:5: error: unknown key 'capacty' in host 'kvm9'; did you mean 'capacity'?");
  EXPECT_REPORTS(l, "b.yaml:2:3: error: host 'kvm9' has no 'capacity'");
}

TEST(Loader, KeyDefinedTwiceInOneFileNamesBothPlaces) {
  auto l = load({{"a.yaml", std::string(kHosts) +
                                "services:\n  web:\n    host: kvm4\n  web:\n    host: kvm2\n"}});
  EXPECT_REPORTS(l, "a.yaml:16:3: error: service 'web' is defined twice (first at a.yaml:14:3)");
}

TEST(Loader, KeyDefinedTwiceAcrossFilesNamesBothPlaces) {
  auto l = load({{"a.yaml", kHosts},
                 {"b.yaml", "hosts:\n  kvm4:\n    ssh: root@x\n    capacity: {cpus: 1, memory: 1G}\n"}});
  EXPECT_REPORTS(l, "b.yaml:2:3: error: host 'kvm4' is defined twice (first at a.yaml:5:3)");
}

TEST(Loader, ScalarKeyTwiceInAMap) {
  auto l = load({{"a.yaml", std::string(kHosts) + "services:\n  web:\n    host: kvm4\n    host: kvm2\n"}});
  EXPECT_REPORTS(l, "a.yaml:16:5: error: key 'host' in service 'web' is defined twice (first at a.yaml:15:5)");
}

TEST(Loader, ReferencesAreChecked) {
  auto l = load({{"a.yaml", R"(version: 1
cluster: {manager: kvm5}
hosts:
  kvm4: {ssh: root@a, capacity: {cpus: 4, memory: 16GiB}}
services:
  web: {host: kvm3}
  api: {host: kvm4, match: "api-[abc"}
  a: {host: kvm4, match: same}
  b: {host: kvm4, match: same}
)"}});
  EXPECT_REPORTS(l, "a.yaml:2:20: error: cluster.manager 'kvm5' is not a declared host; did you mean 'kvm4'?");
  EXPECT_REPORTS(l, "a.yaml:6:15: error: service 'web' runs on host 'kvm3', which is not declared; did you mean 'kvm4'?");
  EXPECT_REPORTS(l, "a.yaml:7:28: error: service 'api' match 'api-[abc' is not a valid glob");
  EXPECT_REPORTS(l, "services 'a' and 'b' both match 'same'");
}

TEST(Loader, ReplicasMustBeNonNegativeIntegers) {
  for (const char* bad : {"-1", "1.5", "two", "\"3\"", "[1]", "1e3"}) {
    auto l = load({{"a.yaml", std::string(kHosts) + "services:\n  web:\n    host: kvm4\n    replicas: " + bad + "\n"}});
    EXPECT_REPORTS(l, "a.yaml:16:15: error: service 'web' replicas must be a whole number from 0 to 100000");
  }
  auto zero = load({{"a.yaml", std::string(kHosts) + "services:\n  web: {host: kvm4, replicas: 0}\n"}});
  ASSERT_TRUE(zero.state) << all_diagnostics(zero);
  EXPECT_EQ(zero.state->services.at("web").replicas, 0u);
}

TEST(Loader, QuantityErrorsPointAtTheValue) {
  auto l = load({{"a.yaml", std::string(kHosts) +
                                "services:\n  web:\n    host: kvm4\n    limits: {cpus: 1e300, memory: 512X}\n"}});
  EXPECT_REPORTS(l, "a.yaml:16:20: error: service 'web' limits.cpus: invalid CPU quantity '1e300'");
  EXPECT_REPORTS(l, "a.yaml:16:35: error: service 'web' limits.memory: invalid memory quantity '512X'");
}

TEST(Loader, ReservationAboveLimitIsAnError) {
  auto l = load({{"a.yaml", std::string(kHosts) + "services:\n  web:\n    host: kvm4\n"
                                                  "    limits: {cpus: 0.5}\n    reservations: {cpus: 1}\n"}});
  EXPECT_REPORTS(l, "service 'web' reserves more CPU (1) than its limit (0.5)");
}

TEST(Loader, ReportsEveryErrorInOneRun) {
  auto l = load({{"a.yaml", std::string(kHosts) + "services:\n  a: {host: nope}\n  b: {host: kvm4, replicas: -2}\n"
                                                  "  c: {host: kvm4, limits: {cpus: 0}}\n  d: {hots: kvm4}\n"
                                                  "  e: {mode: daemon}\n"}});
  EXPECT_GE(l.diagnostics.count(model::Severity::error), 5u) << all_diagnostics(l);
}

TEST(Loader, VersionIsRequiredAndMustBeOne) {
  std::string no_version = kHosts;
  no_version.erase(0, no_version.find('\n') + 1);
  EXPECT_REPORTS(load({{"a.yaml", no_version}}), "a.yaml:1:1: error: no 'version: 1' in any desired-state file");
  std::string v2 = kHosts;
  v2[9] = '2';
  EXPECT_REPORTS(load({{"a.yaml", v2}}), "a.yaml:1:10: error: version 2 is not supported");
}

TEST(Loader, SshTargets) {
  auto ok = load({{"a.yaml", R"(version: 1
cluster: {manager: a}
hosts:
  a: {ssh: "ops@[2001:db8::1]:2200", capacity: {cpus: 1, memory: 1G}}
)"}});
  ASSERT_TRUE(ok.state) << all_diagnostics(ok);
  EXPECT_EQ(ok.state->hosts.at("a").ssh.address, "2001:db8::1");
  EXPECT_EQ(ok.state->hosts.at("a").ssh.port, 2200);
  for (const char* bad : {"root@host:99999", "root@", "@host", "root@host:", "root@-oProxyCommand=x"}) {
    auto l = load({{"a.yaml", std::string("version: 1\ncluster: {manager: a}\nhosts:\n  a: {ssh: \"") + bad +
                                  "\", capacity: {cpus: 1, memory: 1G}}\n"}});
    EXPECT_REPORTS(l, "expected user@host[:port]");
  }
}

TEST(Loader, DockerSocketIsAnAbsolutePathOfPlainCharacters) {
  auto with = [](const std::string& socket) {
    return load({{"a.yaml", "version: 1\ncluster: {manager: a}\nhosts:\n  a:\n    ssh: root@h\n"
                            "    docker_socket: \"" + socket + "\"\n    capacity: {cpus: 1, memory: 1G}\n"}});
  };
  auto ok = with("/run/user/1000/docker-2.sock");
  ASSERT_TRUE(ok.state) << all_diagnostics(ok);
  EXPECT_EQ(ok.state->hosts.at("a").docker_socket, "/run/user/1000/docker-2.sock");
  EXPECT_REPORTS(with("run/docker.sock"), "a.yaml:6:20: error: host 'a' docker_socket must be an absolute path");
  for (const char* bad : {"/var/run/docker.sock; rm -rf /", "/tmp/$(id).sock", "/tmp/a b.sock",
                          "/tmp/x'.sock", "/tmp/`id`", "/tmp/a|b", "/tmp/a\\nb"}) {
    auto l = with(bad);
    EXPECT_FALSE(l.state) << bad;
    EXPECT_REPORTS(l, "a.yaml:6:20: error: host 'a' docker_socket may hold only letters, digits");
  }
  EXPECT_REPORTS(with("/tmp/a\\x1b[31m.sock"), "not '\\x1b'");
}

// --- hostile and malformed files: a clear located error, quickly, never a crash ---

struct Hostile {
  const char* name;
  std::string content;
  const char* expect;
};

TEST(Loader, HostileFilesAreRefusedQuicklyWithAClearError) {
  std::string bomb = "version: 1\na: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev +
            ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + "]\n";
  }
  std::string services_bomb = std::string(kHosts) + "x: &x [1,2,3,4,5,6,7,8,9]\nservices:\n  web:\n    host: kvm4\n"
                                                    "    command: [*x, *x, *x]\n";
  std::string block_deep = "version: 1\nx:\n";
  for (int i = 0; i < 3000; ++i) block_deep += "- ";
  std::string garbage;
  for (int i = 0; i < 512; ++i) garbage += static_cast<char>((i * 37 + 11) % 256);
  std::string large(model::kMaxSourceFileBytes + 1, '#');

  const Hostile cases[] = {
      // What aliases expand to is counted as the tree is built (issue 11).
      {"billion-laughs.yaml", bomb, "billion-laughs.yaml:8:8: error: invalid YAML: alias *f expands to about 18 MiB"},
      {"alias-in-service.yaml", services_bomb, "service 'web' command items must be strings, not a list"},
      {"deep-flow.yaml", "version: 1\nx: " + std::string(100000, '[') + std::string(100000, ']') + "\n",
       "deep-flow.yaml:2:67: error: invalid YAML: nested more than 64 levels deep"},
      {"deep-block.yaml", block_deep, "deep-block.yaml:3:127: error: invalid YAML: nested more than 64 levels deep"},
      {"cycle.yaml", "version: 1\na: &a {b: *a}\n", "cycle.yaml:2:11: error: invalid YAML: alias *a names no anchor"},
      {"large.yaml", large, "large.yaml: error: file is larger than 8 MiB"},
      {"garbage.yaml", garbage, "error: file is not UTF-8 text"},
      {"nul.yaml", std::string("version: 1\nhosts:\0\n", 19), "nul.yaml:2:7: error: file is not UTF-8 text (byte 0x00)"},
      {"empty.yaml", "", "empty.yaml:1:1: error: file is empty: expected a map"},
      {"comments.yaml", "# nothing here\n", "comments.yaml:1:1: error: file is empty"},
      {"tabs.yaml", "version: 1\nhosts:\n\tkvm4: {}\n", "tabs.yaml:3:"},
      {"list.yaml", "- version: 1\n- hosts: {}\n", "list.yaml:1:1: error: file is a list: expected a map"},
      {"scalar.yaml", "just words\n", "scalar.yaml:1:1: error: file is a single value: expected a map"},
      {"two-docs.yaml", "version: 1\n---\nversion: 1\n", "two-docs.yaml:3:1: error: file holds 2 YAML documents"},
      {"unclosed.yaml", "version: 1\nhosts: {kvm4: [\n", "unclosed.yaml:"},
  };
  for (const Hostile& c : cases) {
    auto start = std::chrono::steady_clock::now();
    auto l = load({{c.name, c.content}});
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_FALSE(l.state) << c.name;
    EXPECT_REPORTS(l, c.expect);
    // Not a speed test (bench/ measures speed): a hang here would be a defect.
    EXPECT_LT(took, std::chrono::seconds(5)) << c.name;
  }
}

TEST(Loader, TabsSayWhatToDo) {
  auto l = load({{"tabs.yaml", "version: 1\nhosts:\n  kvm4:\n\tssh: x\n"}});
  EXPECT_REPORTS(l, "tabs");
}

TEST(Loader, PathsResolveAgainstTheStateDirectoryAndHome) {
  LoadOptions o;
  o.base_dir = "deploy/state";
  o.home = "/home/ops";
  auto l = load_desired_state({{"a.yaml", std::string(kHosts) + "known_hosts: pinned_hosts\n"},
                               {"b.yaml", "hosts:\n  kvm5:\n    ssh: r@x\n    identity: ~/.ssh/id_ed25519\n"
                                          "    capacity: {cpus: 1, memory: 1G}\n"}},
                              o);
  ASSERT_TRUE(l.state) << all_diagnostics(l);
  EXPECT_EQ(l.state->known_hosts, "deploy/state/pinned_hosts");
  EXPECT_EQ(l.state->hosts.at("kvm5").identity, "/home/ops/.ssh/id_ed25519");
}

}  // namespace
}  // namespace swarmform::config
