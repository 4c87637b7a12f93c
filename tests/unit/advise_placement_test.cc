// advise::place (issue 15): which host each service should run on so that
// every host's budgets and measured load fit, with the fewest moves.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "reconciler/advise/placement.h"

namespace swarmform::advise {
namespace {

__extension__ using i128 = __int128;

constexpr int64_t kNano = 1'000'000'000;
constexpr int64_t kMi = 1024 * 1024;
constexpr int64_t kGi = 1024 * kMi;

int64_t nano(double cpus) { return std::llround(cpus * 1e9); }

HostRoom host(const std::string& name, double cpus, int64_t memory = 16 * kGi,
              double cpu_budget = 1) {
  HostRoom h;
  h.name = name;
  h.cpu_nano = nano(cpus);
  h.memory_bytes = memory;
  h.cpu_budget = nano(cpu_budget);
  return h;
}

Candidate svc(const std::string& name, const std::string& on, double cpu_limit,
              int64_t memory_limit, double p95, const std::string& stays = "") {
  Candidate c;
  c.service = name;
  c.host = on;
  c.cpu_limit_nano = nano(cpu_limit);
  c.memory_limit_bytes = memory_limit;
  c.cpu_p95 = p95;
  c.stays_because = stays;
  return c;
}

// --- an independent judge: the rules of issue 15, written out again ---------

struct Load {
  i128 cpu_limits = 0, memory_limits = 0, cpu_reservations = 0, memory_reservations = 0, p95 = 0;
};

/// Measured p95 counts in nano-CPUs rounded to the nearest, the target in
/// billionths (placement.cc's documented rounding); the rest exactly.
bool host_fits(const HostRoom& h, const Load& l, double target) {
  const i128 u = std::llround(target * 1e9);
  return l.cpu_limits * kNano <= i128{h.cpu_nano} * h.cpu_budget &&
         l.memory_limits * kNano <= i128{h.memory_bytes} * h.memory_budget &&
         l.cpu_reservations <= h.cpu_nano && l.memory_reservations <= h.memory_bytes &&
         l.p95 * kNano <= i128{h.cpu_nano} * u;
}

std::map<std::string, Load> loads(const std::vector<HostRoom>& hosts,
                                  const std::vector<Candidate>& services,
                                  const std::map<std::string, std::string>& host_of) {
  std::map<std::string, Load> out;
  for (const auto& h : hosts) out[h.name];
  for (const auto& c : services) {
    auto it = out.find(host_of.at(c.service));
    if (it == out.end()) continue;
    Load& l = it->second;
    l.cpu_limits += i128{c.cpu_limit_nano} * c.tasks;
    l.memory_limits += i128{c.memory_limit_bytes} * c.tasks;
    l.cpu_reservations += i128{c.cpu_reservation_nano} * c.tasks;
    l.memory_reservations += i128{c.memory_reservation_bytes} * c.tasks;
    l.p95 += std::llround(c.cpu_p95 * 1e9);
  }
  return out;
}

bool all_fit(const std::vector<HostRoom>& hosts, const std::vector<Candidate>& services,
             const std::map<std::string, std::string>& host_of, double target) {
  const auto l = loads(hosts, services, host_of);
  return std::all_of(hosts.begin(), hosts.end(),
                     [&](const HostRoom& h) { return host_fits(h, l.at(h.name), target); });
}

/// The fewest moves of any fitting placement, by trying every placement;
/// -1 when none fits.
int brute_force_min_moves(const std::vector<HostRoom>& hosts,
                          const std::vector<Candidate>& services, double target) {
  std::set<std::string> known;
  for (const auto& h : hosts) known.insert(h.name);
  std::vector<size_t> movable;
  std::map<std::string, std::string> host_of;
  for (size_t i = 0; i < services.size(); ++i) {
    host_of[services[i].service] = services[i].host;
    if (known.count(services[i].host) && services[i].stays_because.empty()) movable.push_back(i);
  }
  int best = -1;
  size_t combos = 1;
  for (size_t i = 0; i < movable.size(); ++i) combos *= hosts.size();
  for (size_t code = 0; code < combos; ++code) {
    size_t rest = code;
    int moves = 0;
    for (size_t i : movable) {
      const std::string& to = hosts[rest % hosts.size()].name;
      rest /= hosts.size();
      host_of[services[i].service] = to;
      if (to != services[i].host) ++moves;
    }
    if ((best < 0 || moves < best) && all_fit(hosts, services, host_of, target)) best = moves;
  }
  return best;
}

struct Generated {
  std::vector<HostRoom> hosts;
  std::vector<Candidate> services;
  double target = 0.8;
};

Generated generate(std::mt19937& rng, int max_hosts, int max_services) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Generated g;
  const double budgets[] = {1, 1.5, 2};
  const double targets[] = {0.7, 0.8, 0.9, 1.0};
  g.target = targets[pick(0, 3)];
  const int hosts = pick(1, max_hosts);
  for (int h = 0; h < hosts; ++h) {
    g.hosts.push_back(
        host("h" + std::to_string(h), pick(1, 8) * 0.5, pick(1, 8) * kGi, budgets[pick(0, 2)]));
    g.hosts.back().memory_budget = nano(budgets[pick(0, 2)]);
  }
  const int services = pick(0, max_services);
  for (int s = 0; s < services; ++s) {
    const bool elsewhere = pick(0, 19) == 0;  // declared on a host not given: counts nowhere
    Candidate c =
        svc("s" + std::to_string(s), elsewhere ? "gone" : g.hosts[pick(0, hosts - 1)].name,
            pick(0, 8) * 0.25, pick(0, 8) * 128 * kMi, pick(0, 150) / 100.0,
            pick(0, 9) == 0 ? "--keep" : "");
    c.tasks = static_cast<uint64_t>(pick(1, 3));
    if (pick(0, 2) == 0) c.cpu_reservation_nano = nano(pick(1, 6) * 0.25);
    if (pick(0, 2) == 0) c.memory_reservation_bytes = pick(1, 8) * 256 * kMi;
    g.services.push_back(c);
  }
  return g;
}

/// What every result must satisfy, fitting or not.
void check_invariants(const Generated& g, const Placement& p) {
  ASSERT_EQ(p.host_of.size(), g.services.size());
  std::set<std::string> known;
  for (const auto& h : g.hosts) known.insert(h.name);
  size_t moved = 0;
  for (const auto& c : g.services) {
    const std::string& to = p.host_of.at(c.service);
    if (!known.count(c.host) || !c.stays_because.empty()) {
      EXPECT_EQ(to, c.host) << c.service << " may not move";
    }
    if (to != c.host) ++moved;
  }
  EXPECT_EQ(p.moves.size(), moved);
  for (const auto& m : p.moves) {
    EXPECT_EQ(p.host_of.at(m.service), m.to);
    EXPECT_NE(m.from, m.to);
    EXPECT_FALSE(m.reason.empty());
  }
  ASSERT_EQ(p.before.size(), g.hosts.size());
  ASSERT_EQ(p.after.size(), g.hosts.size());
  const auto after = loads(g.hosts, g.services, p.host_of);
  for (size_t h = 0; h < g.hosts.size(); ++h) {
    const HostRoom& room = g.hosts[h];
    const Load& l = after.at(room.name);
    EXPECT_EQ(p.after[h].name, room.name);
    EXPECT_EQ(p.after[h].cpu_limits_nano, static_cast<int64_t>(l.cpu_limits));
    EXPECT_EQ(p.after[h].memory_limits_bytes, static_cast<int64_t>(l.memory_limits));
    EXPECT_EQ(p.after[h].cpu_reservations_nano, static_cast<int64_t>(l.cpu_reservations));
    EXPECT_EQ(p.after[h].memory_reservations_bytes, static_cast<int64_t>(l.memory_reservations));
    EXPECT_EQ(p.after[h].fits, host_fits(room, l, g.target)) << room.name;
    if (p.fits) {
      EXPECT_TRUE(host_fits(room, l, g.target)) << room.name << " after a placement that fits";
    }
  }
  if (p.fits) {
    EXPECT_TRUE(p.why_not.empty());
  } else {
    EXPECT_TRUE(p.moves.empty()) << "nothing fits: the current placement stays";
    EXPECT_FALSE(p.why_not.empty());
  }
}

// --- the cases ---------------------------------------------------------------

TEST(AdvisePlacement, AlreadyFittingMovesNothing) {
  const std::vector<HostRoom> hosts = {host("kvm4", 4), host("kvm2", 2)};
  const std::vector<Candidate> services = {svc("web", "kvm4", 1, kGi, 0.5),
                                           svc("db", "kvm4", 2, 2 * kGi, 1.5),
                                           svc("cache", "kvm2", 0.5, 256 * kMi, 0.2)};
  const Placement p = place(hosts, services, 0.8);
  EXPECT_TRUE(p.fits);
  EXPECT_TRUE(p.moves.empty());
  EXPECT_EQ(p.host_of.at("db"), "kvm4");
  EXPECT_EQ(p.host_of.at("cache"), "kvm2");
  ASSERT_EQ(p.before.size(), 2u);
  EXPECT_EQ(p.before[0].name, "kvm4");  // hosts' order, not names'
  EXPECT_EQ(p.before[0].cpu_limits_nano, nano(3));
  EXPECT_DOUBLE_EQ(p.before[0].cpu_p95, 2.0);
  EXPECT_TRUE(p.before[0].fits);
  EXPECT_EQ(p.after[1].memory_limits_bytes, 256 * kMi);
  EXPECT_DOUBLE_EQ(p.demand_p95_cpus, 2.2);
  check_invariants({hosts, services, 0.8}, p);
}

TEST(AdvisePlacement, HostTotalsCarryTheRoomTheyAreJudgedAgainst) {
  // A reader prints "9.6 of 4 CPUs (240%)" from the totals alone.
  std::vector<HostRoom> hosts = {host("kvm4", 4, 16 * kGi, 2), host("kvm2", 2, 8 * kGi)};
  hosts[1].memory_budget = nano(1.5);
  const Placement p = place(hosts, {svc("web", "kvm4", 1, kGi, 0.5)}, 0.8);
  for (const auto* side : {&p.before, &p.after}) {
    ASSERT_EQ(side->size(), 2u);
    EXPECT_EQ((*side)[0].cpu_nano, nano(4));
    EXPECT_EQ((*side)[0].memory_bytes, 16 * kGi);
    EXPECT_EQ((*side)[0].cpu_budget, nano(2));
    EXPECT_EQ((*side)[0].memory_budget, kNano);
    EXPECT_EQ((*side)[1].cpu_nano, nano(2));
    EXPECT_EQ((*side)[1].memory_bytes, 8 * kGi);
    EXPECT_EQ((*side)[1].memory_budget, nano(1.5));
  }
}

TEST(AdvisePlacement, OneOverloadedHostMovesTheFewestWithReasons) {
  // kvm4: p95 4.1 of 3.2 CPUs at 80%; any one of the four relieves it alone.
  // Of those, moving worker (1.2) leaves the busiest host least busy.
  std::vector<HostRoom> hosts = {host("kvm4", 4, 16 * kGi, 2), host("kvm2", 2, 8 * kGi, 2)};
  const std::vector<Candidate> services = {
      svc("saleor-api", "kvm4", 1.5, kGi, 0.9), svc("crm", "kvm4", 1, kGi, 1.0),
      svc("cms", "kvm4", 1, kGi, 1.0), svc("worker", "kvm4", 1, kGi, 1.2)};
  const Placement p = place(hosts, services, 0.8);
  ASSERT_TRUE(p.fits);
  ASSERT_EQ(p.moves.size(), 1u);
  EXPECT_EQ(p.moves[0].service, "worker");
  EXPECT_EQ(p.moves[0].from, "kvm4");
  EXPECT_EQ(p.moves[0].to, "kvm2");
  EXPECT_EQ(p.moves[0].reason,
            "kvm4 is over its target (p95 4.1 of 3.2 CPUs at 80%); worker (p95 1.2, limits 1 CPUs) "
            "moves to kvm2, "
            "which has 1.6 CPUs of room at 80%");
  EXPECT_FALSE(p.before[0].fits);
  EXPECT_TRUE(p.after[0].fits);
  EXPECT_DOUBLE_EQ(p.after[0].cpu_p95, 2.9);
  EXPECT_DOUBLE_EQ(p.after[1].cpu_p95, 1.2);
  check_invariants({hosts, services, 0.8}, p);

  // Two over hosts need two moves, one from each, though a third host has room.
  hosts = {host("a", 2), host("b", 2), host("c", 4)};
  const std::vector<Candidate> two = {svc("a1", "a", 1, kGi, 1.0), svc("a2", "a", 1, kGi, 1.0),
                                      svc("b1", "b", 1, kGi, 0.5), svc("b2", "b", 1, kGi, 1.5),
                                      svc("c1", "c", 1, kGi, 0.5)};
  const Placement q = place(hosts, two, 0.8);
  ASSERT_TRUE(q.fits);
  ASSERT_EQ(q.moves.size(), 2u);
  EXPECT_EQ(q.moves[0].from, "a");
  EXPECT_EQ(q.moves[1].from, "b");
  check_invariants({hosts, two, 0.8}, q);
}

TEST(AdvisePlacement, LimitsOverTheBudgetAreAReasonToMove) {
  // p95 is low, but the limits put 5 CPUs on a 4-CPU host at budget 1.
  const std::vector<HostRoom> hosts = {host("kvm4", 4), host("kvm2", 2)};
  const std::vector<Candidate> services = {svc("temporal", "kvm4", 2, 512 * kMi, 0.3),
                                           svc("saleor-api", "kvm4", 1.5, kGi, 0.2),
                                           svc("cms", "kvm4", 1.5, kGi, 0.2)};
  const Placement p = place(hosts, services, 0.8);
  ASSERT_TRUE(p.fits);
  ASSERT_EQ(p.moves.size(), 1u);
  EXPECT_EQ(p.moves[0].to, "kvm2");
  EXPECT_NE(p.moves[0].reason.find(
                "kvm4 is over its budgets (CPU limits 5 of 4 CPUs allowed (budget 1x))"),
            std::string::npos)
      << p.moves[0].reason;
  check_invariants({hosts, services, 0.8}, p);
}

TEST(AdvisePlacement, ReservationsOverTheCapacityAreAReasonToMove) {
  // Limits at a budget of 2 and p95 fit; the reservations (5 CPUs) do not:
  // Swarm cannot schedule past the real capacity whatever the budget.
  const std::vector<HostRoom> hosts = {host("kvm4", 4, 16 * kGi, 2), host("kvm2", 2, 8 * kGi, 2)};
  std::vector<Candidate> services = {svc("db", "kvm4", 2, kGi, 0.3),
                                     svc("api", "kvm4", 2, kGi, 0.3),
                                     svc("cms", "kvm4", 1, kGi, 0.3)};
  services[0].cpu_reservation_nano = nano(2);
  services[1].cpu_reservation_nano = nano(2);
  services[2].cpu_reservation_nano = nano(1);
  const Placement p = place(hosts, services, 0.8);
  ASSERT_TRUE(p.fits);
  ASSERT_EQ(p.moves.size(), 1u);
  EXPECT_NE(p.moves[0].reason.find("kvm4 is over its budgets (CPU reservations 5 of 4 CPUs)"),
            std::string::npos)
      << p.moves[0].reason;
  EXPECT_NE(p.moves[0].reason.find("CPU reservations "),
            p.moves[0].reason.rfind("CPU reservations "))
      << "what the move frees of the reservations: " << p.moves[0].reason;
  check_invariants({hosts, services, 0.8}, p);
}

TEST(AdvisePlacement, AServiceThatStaysNeverMoves) {
  const std::vector<HostRoom> hosts = {host("kvm4", 4), host("kvm2", 2)};
  // Moving db alone would fit; db has local data, so web and cache move instead.
  std::vector<Candidate> services = {
      svc("db", "kvm4", 1, kGi, 1.5,
          "it has local data (volumes); allow_data_move: true lets it move"),
      svc("web", "kvm4", 1, kGi, 0.8), svc("cache", "kvm4", 0.5, kGi, 0.8),
      svc("api", "kvm4", 1, kGi, 0.6)};
  Placement p = place(hosts, services, 0.8);
  ASSERT_TRUE(p.fits);
  EXPECT_EQ(p.host_of.at("db"), "kvm4");
  for (const auto& m : p.moves) EXPECT_NE(m.service, "db");
  check_invariants({hosts, services, 0.8}, p);

  // Now the only fit moves the kept service: nothing fits, and why_not says why.
  services = {svc("db", "kvm4", 1, kGi, 3.5, "--keep"), svc("web", "kvm4", 1, kGi, 0.2)};
  const std::vector<HostRoom> big = {host("kvm4", 4), host("kvm8", 8)};
  p = place(big, services, 0.8);
  EXPECT_FALSE(p.fits);
  EXPECT_TRUE(p.moves.empty());
  EXPECT_EQ(p.host_of.at("db"), "kvm4");
  EXPECT_EQ(p.host_of.at("web"), "kvm4");
  const auto said = [&](const std::string& text) {
    return std::any_of(p.why_not.begin(), p.why_not.end(),
                       [&](const std::string& s) { return s.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(said("a placement would fit if db moved from kvm4 to kvm8, but db stays: --keep"))
      << testing::PrintToString(p.why_not);
  EXPECT_TRUE(said("kvm4 (4 CPUs) would need 4.63 CPUs")) << testing::PrintToString(p.why_not);
  check_invariants({big, services, 0.8}, p);
}

TEST(AdvisePlacement, ServicesOnUnknownHostsCountNowhereAndStay) {
  const std::vector<HostRoom> hosts = {host("kvm4", 1)};
  const std::vector<Candidate> services = {svc("old", "kvm9", 8, 64 * kGi, 7.0),
                                           svc("web", "kvm4", 1, kGi, 0.5)};
  const Placement p = place(hosts, services, 0.8);
  EXPECT_TRUE(p.fits);
  EXPECT_EQ(p.host_of.at("old"), "kvm9");
  EXPECT_EQ(p.after[0].cpu_limits_nano, nano(1));
  EXPECT_DOUBLE_EQ(p.demand_p95_cpus, 0.5);
}

TEST(AdvisePlacement, SaturatedTotalsNeverFit) {
  // Limits that overflow int64 when multiplied by the tasks: never a fit, never a wrap.
  std::vector<HostRoom> hosts = {host("a", 4), host("b", 4)};
  Candidate huge = svc("huge", "a", 0, 0, 0.1);
  huge.cpu_limit_nano = std::numeric_limits<int64_t>::max() / 2;
  huge.tasks = 3;
  const Placement p = place(hosts, {huge, svc("web", "a", 1, kGi, 0.1)}, 0.8);
  EXPECT_FALSE(p.fits);
  EXPECT_FALSE(p.before[0].fits);
  EXPECT_FALSE(p.why_not.empty());
}

TEST(AdvisePlacement, FewestMovesAgreeWithBruteForce) {
  std::mt19937 rng(15);
  int fitting = 0, moving = 0;
  for (int n = 0; n < 400; ++n) {
    const Generated g = generate(rng, 3, 8);
    const Placement p = place(g.hosts, g.services, g.target);
    const int want = brute_force_min_moves(g.hosts, g.services, g.target);
    SCOPED_TRACE("case " + std::to_string(n));
    ASSERT_EQ(p.fits, want >= 0);
    if (want >= 0) {
      ++fitting;
      ASSERT_EQ(static_cast<int>(p.moves.size()), want);
      if (want > 0) ++moving;
    }
    check_invariants(g, p);
  }
  // the generator must exercise all three outcomes
  EXPECT_GT(moving, 30);
  EXPECT_GT(fitting - moving, 40);
  EXPECT_GT(400 - fitting, 40);
}

TEST(AdvisePlacement, EveryFitHoldsOnEveryHostAtAnySize) {
  std::mt19937 rng(1500);
  int fits = 0;
  for (int n = 0; n < 300; ++n) {
    const Generated g = generate(rng, 6, n % 3 == 0 ? 60 : 14);
    SCOPED_TRACE("case " + std::to_string(n));
    const Placement p = place(g.hosts, g.services, g.target);
    check_invariants(g, p);
    fits += p.fits;
  }
  EXPECT_GT(fits, 50);
}

TEST(AdvisePlacement, DeterministicWhateverTheOrderOfTheServices) {
  std::mt19937 rng(7);
  for (int n = 0; n < 100; ++n) {
    Generated g = generate(rng, 5, n % 2 ? 30 : 9);
    const Placement a = place(g.hosts, g.services, g.target);
    std::shuffle(g.services.begin(), g.services.end(), rng);
    const Placement b = place(g.hosts, g.services, g.target);
    SCOPED_TRACE("case " + std::to_string(n));
    EXPECT_EQ(a.fits, b.fits);
    EXPECT_EQ(a.host_of, b.host_of);
    ASSERT_EQ(a.moves.size(), b.moves.size());
    for (size_t i = 0; i < a.moves.size(); ++i) {
      EXPECT_EQ(a.moves[i].service, b.moves[i].service);
      EXPECT_EQ(a.moves[i].to, b.moves[i].to);
      EXPECT_EQ(a.moves[i].reason, b.moves[i].reason);
    }
    EXPECT_EQ(a.why_not, b.why_not);
    EXPECT_EQ(a.demand_p95_cpus, b.demand_p95_cpus);
  }
}

// The seed's scenario (/work/shared/context/kvm4-status-report.md): KVM4 with
// 4 CPUs and 16 GB, KVM2 with 2 CPUs (its memory is not in the report: 8 GiB
// here), budgets 1.  Limits as the report applied (and recommended for AI
// agents and the Redis instances); measured CPU as the report measured it,
// for the six services it measured; the others unmeasured (0).
std::vector<Candidate> report_services(const std::string& saleor_on, const std::string& temporal_on,
                                       const std::string& stays) {
  const int64_t mb = 1000 * 1000;
  return {
      svc("temporal-server", temporal_on, 2.0, 512 * mb, 1.62, stays),
      svc("saleor-api", saleor_on, 1.5, 1000 * mb, 10.30, stays),
      svc("saleor-redis", saleor_on, 0.25, 256 * mb, 0, stays),
      svc("wagtail-cms", "kvm4", 1.0, 512 * mb, 0),
      svc("django-crm", "kvm4", 1.0, 512 * mb, 10.81),
      svc("shared-postgres", "kvm4", 0.5, 1000 * mb, 0),
      svc("brain-gateway", "kvm4", 0.5, 1000 * mb, 0.60),
      svc("ai-agents", "kvm4", 0.5, 512 * mb, 2.64),
      svc("dokploy", "kvm4", 0.5, 512 * mb, 0),
      svc("shared-redis", "kvm4", 0.25, 256 * mb, 1.24),
      svc("infrastructure-redis", "kvm4", 0.25, 256 * mb, 0),
      svc("admin-dashboard", "kvm4", 0.25, 512 * mb, 0),
      svc("client-portal", "kvm4", 0.25, 512 * mb, 0),
      svc("business-directory", "kvm4", 0.25, 512 * mb, 0),
      svc("infrastructure", "kvm4", 0.25, 256 * mb, 0),
  };
}

TEST(AdvisePlacement, TheStatusReportsOptions) {
  struct Row {
    const char* name;
    double kvm4_cpus;
    const char* saleor_on;
    const char* temporal_on;
    const char* stays;
    bool fits;
    std::vector<std::string> why_not;  // each must appear in some sentence
  };
  const Row rows[] = {
      {"today: everything on kvm4, free to move",
       4,
       "kvm4",
       "kvm4",
       "",
       false,
       {"measured demand is 27.21 CPUs at p95; 4 + 2 CPUs cannot hold it at 80%; 34.02 CPUs in "
        "total could",
        "kvm4 (4 CPUs) would need 34.02 CPUs to hold what is placed on it now (p95 27.21 at 80%, "
        "limits 9.25 at "
        "budget 1x, reservations 0)"}},
      {"option 2: Saleor and Temporal on kvm2, as the report proposes",
       4,
       "kvm2",
       "kvm2",
       "option 2",
       false,
       {"kvm2 (2 CPUs) would need 14.9 CPUs to hold what is placed on it now (p95 11.92 at 80%, "
        "limits 3.75 at "
        "budget 1x, reservations 0)",
        "kvm4 (4 CPUs) would need 19.12 CPUs"}},
      {"option 1: an 8-CPU kvm4",
       8,
       "kvm4",
       "kvm4",
       "",
       false,
       {"measured demand is 27.21 CPUs at p95; 8 + 2 CPUs cannot hold it at 80%; 34.02 CPUs in "
        "total could"}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    const std::vector<HostRoom> hosts = {host("kvm4", row.kvm4_cpus, 16 * kGi),
                                         host("kvm2", 2, 8 * kGi)};
    const std::vector<Candidate> services =
        report_services(row.saleor_on, row.temporal_on, row.stays);
    const Placement p = place(hosts, services, 0.8);
    EXPECT_EQ(p.fits, row.fits);
    for (const std::string& want : row.why_not) {
      EXPECT_TRUE(
          std::any_of(p.why_not.begin(), p.why_not.end(),
                      [&](const std::string& s) { return s.find(want) != std::string::npos; }))
          << want << "\nin: " << testing::PrintToString(p.why_not);
    }
    EXPECT_NEAR(p.demand_p95_cpus, 27.21, 1e-9);
    check_invariants({hosts, services, 0.8}, p);
  }
}

TEST(AdvisePlacement, TheStatusReportsServicesFitWhenTheLimitsAreRightSized) {
  // What would fit on 4 + 2 CPUs: an eighth of the measured demand (3.4
  // CPUs, 0.2 more than kvm4 holds at 80%) with the limits at a budget of
  // 2x: one move.  (Even the report's long-term goal, Django CRM at 2-3 CPUs
  // and Saleor at 3-4, is more than the two hosts hold.)
  std::vector<Candidate> services = report_services("kvm4", "kvm4", "");
  for (Candidate& c : services) c.cpu_p95 /= 8;
  const std::vector<HostRoom> hosts = {host("kvm4", 4, 16 * kGi, 2), host("kvm2", 2, 8 * kGi, 2)};
  const Placement p = place(hosts, services, 0.8);
  ASSERT_TRUE(p.fits) << testing::PrintToString(p.why_not);
  ASSERT_EQ(p.moves.size(), 1u);
  EXPECT_EQ(p.moves[0].to, "kvm2");
  check_invariants({hosts, services, 0.8}, p);
}

TEST(AdvisePlacement, TwoHundredServicesOnFiveHostsFinish) {
  // No timed assertion (bench/advise.sh measures); it must finish and hold.
  std::mt19937 rng(200);
  Generated g;
  g.target = 0.8;
  for (int h = 0; h < 5; ++h) g.hosts.push_back(host("kvm" + std::to_string(h), 16, 64 * kGi, 2));
  for (int s = 0; s < 200; ++s) {
    // everything declared on the first two hosts: they are far over, the others empty
    Candidate c =
        svc("svc" + std::to_string(1000 + s), g.hosts[s % 2].name,
            std::uniform_int_distribution<int>(1, 4)(rng) * 0.25, 256 * kMi,
            std::uniform_int_distribution<int>(5, 40)(rng) / 100.0, s % 17 == 0 ? "--keep" : "");
    g.services.push_back(c);
  }
  const Placement p = place(g.hosts, g.services, g.target);
  EXPECT_TRUE(p.fits) << testing::PrintToString(p.why_not);
  EXPECT_GT(p.moves.size(), 0u);
  check_invariants(g, p);
}

}  // namespace
}  // namespace swarmform::advise
