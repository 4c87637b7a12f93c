// diff_desired: the desired state of a base ref against this branch's, as a
// reviewer reads it.  A table of edits to one state, each with the changes
// it must produce, and the same through YAML as the CLI loads it.

#include <gtest/gtest.h>

#include <functional>

#include "reconciler/config/loader.h"
#include "reconciler/plan/desired_diff.h"
#include "unit/plan_fixtures.h"

namespace swarmform::plan {
namespace {

using namespace swarmform::plan::testing;

model::DesiredState base_state() {
  model::DesiredState d = kvm4_and_kvm2();
  d.hosts["kvm4"].ssh = {"root", "203.0.113.4", 2222};
  d.hosts["kvm2"].ssh = {"root", "203.0.113.2", 22};
  model::Service saleor = make_service("saleor-api", "kvm4");
  saleor.match = "infrastructureservices-saleorapi-*";
  saleor.replicas = 1;
  saleor.limits = {cpus(1.5), kGi};
  d.services["saleor-api"] = saleor;
  model::Service worker = make_service("old-worker", "kvm4");
  worker.limits = {cpus(0.5), 256 * kMi};
  d.services["old-worker"] = worker;
  return d;
}

/// One line per change: "~ service web: host a → b, replicas 1 → 2".
std::string lines(const std::vector<DesiredChange>& changes) {
  std::string out;
  for (const auto& c : changes) {
    switch (c.kind) {
      case DesiredChange::Kind::added:
        out += "+ " + c.subject;
        break;
      case DesiredChange::Kind::removed:
        out += "- " + c.subject;
        break;
      case DesiredChange::Kind::changed:
        out += "~ " + c.subject + ":";
        for (size_t i = 0; i < c.changes.size(); ++i) {
          const FieldChange& f = c.changes[i];
          out += (i == 0 ? " " : ", ") + f.field + " " + f.before + " → " + f.after;
          EXPECT_FALSE(f.restarts) << f.field;
        }
        break;
    }
    out += "\n";
  }
  return out;
}

TEST(PlanDesiredDiff, Cases) {
  using Edit = std::function<void(model::DesiredState&)>;
  const struct {
    const char* name;
    Edit edit;
    std::string want;
  } cases[] = {
      {"same", [](auto&) {}, ""},
      {"locations and files do not count",
       [](auto& d) {
         d.services["saleor-api"].where = {"other.yaml", 9, 3};
         d.services["saleor-api"].host_where = {"other.yaml", 10, 5};
         d.hosts["kvm2"].where = {"other.yaml", 2, 3};
         d.files = {"other.yaml"};
       },
       ""},
      {"host move and a lower limit",
       [](auto& d) {
         d.services["saleor-api"].host = "kvm2";
         d.services["saleor-api"].limits.nano_cpus = cpus(1);
       },
       "~ service saleor-api: host kvm4 → kvm2, limits.cpus 1.5 → 1\n"},
      {"replicas, memory, reservations, image, match",
       [](auto& d) {
         auto& s = d.services["saleor-api"];
         s.replicas = 3;
         s.limits.memory_bytes = 1536 * kMi;
         s.reservations = {cpus(0.25), 512 * kMi};
         s.image = "ghcr.io/saleor/saleor:3.20";
         s.match = "saleor-api";
       },
       "~ service saleor-api: match infrastructureservices-saleorapi-* → saleor-api, "
       "replicas 1 → 3, limits.memory 1GiB → 1.5GiB, reservations.cpus none → 0.25, "
       "reservations.memory none → 512MiB, image none → ghcr.io/saleor/saleor:3.20\n"},
      {"undeclared fields read none",
       [](auto& d) {
         auto& s = d.services["saleor-api"];
         s.replicas.reset();
         s.limits.nano_cpus.reset();
       },
       "~ service saleor-api: replicas 1 → none, limits.cpus 1.5 → none\n"},
      {"what only a create uses",
       [](auto& d) {
         auto& s = d.services["old-worker"];
         s.allow_data_move = true;
         s.command = {"sh", "-c", "echo 'hi' && sleep 1"};
         s.env = {{"A", "1"}};
         s.labels = {{"team", "lab"}};
         s.ports = {{8080, 80, "tcp"}, {53, 53, "udp"}};
       },
       "~ service old-worker: allow_data_move false → true, command none → sh -c 'echo "
       "'\\''hi'\\'' && sleep 1', env.A none → 1, labels.team none → lab, "
       "ports none → 8080:80/tcp, 53:53/udp\n"},
      {"services added and removed, by name",
       [](auto& d) {
         d.services.erase("old-worker");
         d.services["lab-echo"] = make_service("lab-echo", "kvm2");
         d.services["zz-last"] = make_service("zz-last", "kvm2");
       },
       "+ service lab-echo\n- service old-worker\n+ service zz-last\n"},
      {"host capacity, node, ssh and overrides",
       [](auto& d) {
         auto& h = d.hosts["kvm2"];
         h.capacity = {cpus(4), 12 * kGi};
         h.node = "vps-2";
         h.ssh = {"deploy", "203.0.113.2", 22};
         h.identity = "/home/ops/.ssh/id_ed25519";
         h.transport = model::TransportMode::dial_stdio;
         h.cpu_overcommit = 1'500'000'000;
         d.hosts["kvm4"].ssh.port = 22;
       },
       "~ host kvm2: capacity.cpus 2 → 4, capacity.memory 8GiB → 12GiB, node kvm2 → vps-2, "
       "ssh root@203.0.113.2 → deploy@203.0.113.2, identity none → /home/ops/.ssh/id_ed25519, "
       "transport auto → dial-stdio, cpu_overcommit none → 1.5x\n"
       "~ host kvm4: ssh root@203.0.113.4:2222 → root@203.0.113.4\n"},
      {"hosts added and removed",
       [](auto& d) {
         d.hosts.erase("kvm2");
         d.hosts["kvm5"] = make_host("kvm5", cpus(8), 32 * kGi);
       },
       "- host kvm2\n+ host kvm5\n"},
      {"policy, cluster, known_hosts after services and hosts",
       [](auto& d) {
         d.known_hosts = "/etc/swarmform/known_hosts";
         d.manager = "kvm2";
         d.policy.cpu_overcommit = 2'000'000'000;
         d.policy.memory_overcommit = 1'250'000'000;
         d.policy.unmanaged = model::UnmanagedPolicy::error;
         d.policy.require_limits = true;
         d.policy.prune = true;
         d.hosts["kvm2"].memory_overcommit = 1'000'000'000;
         d.services["old-worker"].replicas = 2;
       },
       "~ service old-worker: replicas none → 2\n"
       "~ host kvm2: memory_overcommit none → 1x\n"
       "~ policy: cpu_overcommit 1x → 2x, memory_overcommit 1x → 1.25x, unmanaged warn → error, "
       "require_limits false → true, prune false → true\n"
       "~ cluster: manager kvm4 → kvm2\n"
       "~ known_hosts: path none → /etc/swarmform/known_hosts\n"},
      {"env and labels key by key",
       [](auto& d) {
         d.services["saleor-api"].env = {{"B", "2"}, {"C", "3"}};
         d.services["saleor-api"].labels = {{"x", "y"}};
       },
       "~ service saleor-api: env.B none → 2, env.C none → 3, labels.x none → y\n"},
  };
  for (const auto& c : cases) {
    model::DesiredState head = base_state();
    c.edit(head);
    EXPECT_EQ(lines(diff_desired(base_state(), head)), c.want) << c.name;
  }
}

TEST(PlanDesiredDiff, IsTheReverseBackwards) {
  model::DesiredState head = base_state();
  head.services.erase("old-worker");
  head.services["saleor-api"].host = "kvm2";
  EXPECT_EQ(lines(diff_desired(head, base_state())),
            "+ service old-worker\n~ service saleor-api: host kvm2 → kvm4\n");
}

TEST(PlanDesiredDiff, EnvKeysBothSides) {
  model::DesiredState base = base_state();
  base.services["saleor-api"].env = {{"A", "1"}, {"B", "2"}};
  model::DesiredState head = base_state();
  head.services["saleor-api"].env = {{"B", "3"}, {"C", "4"}};
  EXPECT_EQ(lines(diff_desired(base, head)),
            "~ service saleor-api: env.A 1 → none, env.B 2 → 3, env.C none → 4\n");
}

TEST(PlanDesiredDiff, FromYamlAsLoaded) {
  const char* hosts = R"(version: 1
cluster:
  manager: kvm4
hosts:
  kvm4:
    ssh: root@203.0.113.4
    capacity: {cpus: 4, memory: 16GiB}
  kvm2:
    ssh: root@203.0.113.2
    capacity: {cpus: 2, memory: 8GiB}
)";
  auto load = [&](const std::string& name, const std::string& services) {
    config::Loaded l = config::load_desired_state(
        {{name + ":cluster.yaml", hosts}, {name + ":services.yaml", services}}, {});
    EXPECT_TRUE(l.state.has_value()) << name;
    return l.state.value_or(model::DesiredState{});
  };
  model::DesiredState base = load("1a2b3c4",
                                  "services:\n"
                                  "  saleor-api:\n    host: kvm4\n"
                                  "    limits: {cpus: 1.5, memory: 1G}\n"
                                  "  old-worker:\n    host: kvm4\n");
  model::DesiredState head = load("3f2a1bc",
                                  "\n# moved to the bigger host\nservices:\n"
                                  "  saleor-api:\n    host: kvm2\n"
                                  "    limits: {cpus: \"1000m\", memory: 1024MiB}\n"
                                  "  lab-echo:\n    host: kvm2\n    image: local/busybox:1\n");
  EXPECT_EQ(lines(diff_desired(base, head)),
            "+ service lab-echo\n- service old-worker\n"
            "~ service saleor-api: host kvm4 → kvm2, limits.cpus 1.5 → 1\n");
}

}  // namespace
}  // namespace swarmform::plan
