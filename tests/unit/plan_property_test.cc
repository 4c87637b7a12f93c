// Property: a desired state planned against the swarm that already matches
// it gives an empty plan with no findings, whatever it declares.

#include <gtest/gtest.h>

#include <random>

#include "reconciler/plan/compute.h"
#include "unit/plan_fixtures.h"

namespace swarmform::plan {
namespace {

using namespace swarmform::plan::testing;

struct Generated {
  model::DesiredState desired;
  std::set<std::string> global;
};

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  Generated next() {
    Generated g;
    g.desired.version = 1;
    g.desired.policy.unmanaged = model::UnmanagedPolicy::ignore;
    size_t hosts = pick(1, 3);
    std::vector<std::string> host_names;
    for (size_t i = 0; i < hosts; ++i) {
      std::string name = "kvm" + std::to_string(i);
      model::Host h = make_host(name, cpus(1000), 1024 * kGi);
      if (chance(3)) h.node = "node-" + name + ".example";
      g.desired.hosts[name] = h;
      host_names.push_back(name);
    }
    g.desired.manager = host_names.front();
    size_t services = pick(0, 12);
    for (size_t i = 0; i < services; ++i) {
      std::string name = "svc-" + std::to_string(i);
      model::Service s = make_service(name, host_names[pick(0, hosts - 1)]);
      if (chance(3)) s.match = "stack_" + name + "-*";
      if (chance(4)) s.match = "stack_" + name + "-??????";
      bool global = chance(5);
      if (global) {
        g.global.insert(name);
        s.mode = model::ServiceMode::global;
      }
      if (chance(6)) s.host.clear();  // not pinned: its placement is not owned
      if (!global && chance(2)) s.replicas = pick(0, 5);
      s.limits = spec(2);
      s.reservations = spec(3);
      s.allow_data_move = chance(2);
      g.desired.services[name] = s;
    }
    return g;
  }

  /// Somebody else's changes the plan must not see: constraint spellings,
  /// extra constraints, labels, undeclared services.
  void disturb(model::LiveState& live) {
    for (auto& s : live.services) {
      for (auto& c : s.constraints) {
        if (c.starts_with("node.hostname==") && chance(2)) c = "node.hostname == " + c.substr(15);
        // The same pin by node id (make_node's ids): placed as declared.
        else if (c.starts_with("node.hostname==") && chance(3)) c = "node.id==node-" + c.substr(15);
      }
      if (chance(2)) s.constraints.insert(s.constraints.begin(), "node.labels.zone!=b");
      if (chance(2)) s.labels["traefik.http.routers.x.rule"] = "Host(`x`)";
      if (chance(3)) s.mounts.push_back({"volume", "data", "/data", ""});
    }
    if (chance(2)) {
      model::LiveService extra;
      extra.id = "id-unmanaged";
      extra.name = "dokploy-traefik";
      extra.replicas = 1;
      live.services.push_back(extra);
    }
  }

 private:
  size_t pick(size_t lo, size_t hi) { return std::uniform_int_distribution<size_t>(lo, hi)(rng_); }
  bool chance(size_t one_in) { return pick(1, one_in) == 1; }

  model::ResourceSpec spec(size_t absent_one_in) {
    model::ResourceSpec r;
    if (!chance(absent_one_in))
      r.nano_cpus = static_cast<int64_t>(pick(1, 4000)) * 1'000'000;  // 1m .. 4 CPUs
    if (!chance(absent_one_in)) r.memory_bytes = static_cast<int64_t>(pick(4, 4096)) * kMi;
    return r;
  }

  std::mt19937 rng_;
};

TEST(PlanProperty, MatchingSwarmGivesEmptyPlan) {
  constexpr uint32_t kSeed = 20261127;
  constexpr int kStates = 400;
  Generator gen(kSeed);
  size_t compared = 0;
  for (int i = 0; i < kStates; ++i) {
    Generated g = gen.next();
    model::LiveState live = live_matching(g.desired, g.global);
    gen.disturb(live);
    Plan plan = compute_plan(g.desired, live, {});
    ASSERT_TRUE(plan.empty()) << "state " << i << " (seed " << kSeed
                              << "): " << plan.services.size() << " services";
    ASSERT_TRUE(plan.findings.empty()) << "state " << i << ": " << plan.findings.front().subject
                                       << ": " << plan.findings.front().message;
    ASSERT_EQ(plan.services.size(), g.desired.services.size()) << "state " << i;
    for (const auto& h : plan.hosts) {
      ASSERT_EQ(h.before.limits.nano_cpus, h.after.limits.nano_cpus)
          << "state " << i << " host " << h.host;
      ASSERT_EQ(h.before.reservations.memory_bytes, h.after.reservations.memory_bytes);
    }
    compared += plan.services.size();
  }
  EXPECT_GT(compared, 1000u);  // the generator really produced services
}

}  // namespace
}  // namespace swarmform::plan
