// Which change goes in which wave, and which later changes are held back when
// a releasing change failed: apply/wave_plan.h, plain values.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "reconciler/apply/wave_plan.h"

namespace swarmform::apply {
namespace {

using plan::Action;

constexpr int64_t kCpu = 1'000'000'000;
constexpr int64_t kGiB = int64_t{1} << 30;

// A live service with one task-level shape: `replicas` tasks, each limited
// and reserved to `cpus` nano-CPUs and `mem` bytes.
model::LiveService live_service(const std::string& id, uint64_t replicas, int64_t cpus, int64_t mem) {
  model::LiveService s;
  s.id = id;
  s.name = id;
  s.replicas = replicas;
  s.limits = {cpus, mem};
  s.reservations = {cpus, mem};
  return s;
}

plan::ServiceChange change(const std::string& name, Action action, const std::string& from, const std::string& to) {
  plan::ServiceChange c;
  c.name = name;
  c.live_name = name;
  c.live_id = plan::creates(action) ? "" : name;
  c.action = action;
  c.from_host = from;
  c.to_host = to;
  if (!plan::removes(action)) c.desired_host = to;  // as compute_plan makes them ("" = declares no host)
  return c;
}

// An update in place of `name` on `host` to this many replicas and per-task values.
plan::ServiceChange resize(const std::string& name, const std::string& host, uint64_t replicas, int64_t cpus,
                           int64_t mem) {
  plan::ServiceChange c = change(name, Action::update, host, host);
  c.desired.replicas = replicas;
  c.desired.limits.nano_cpus = cpus;
  c.desired.limits.memory_bytes = mem;
  c.desired.reservations.nano_cpus = cpus;
  c.desired.reservations.memory_bytes = mem;
  return c;
}

// --- releases_capacity --------------------------------------------------------

struct ReleaseCase {
  const char* what;
  plan::ServiceChange change;
  bool has_live;
  bool releases;
};

TEST(WavePlanReleasesCapacity, Table) {
  const model::LiveService live = live_service("svc", 2, kCpu, kGiB);  // 2 x (1 CPU, 1 GiB)
  plan::ServiceChange no_limit = resize("svc", "kvm2", 2, kCpu, kGiB);
  no_limit.desired.limits.nano_cpus = 0;  // 0 = no limit: from a limit to none releases nothing
  plan::ServiceChange undeclared = change("svc", Action::update, "kvm2", "kvm2");  // writes nothing it owns
  const std::vector<ReleaseCase> cases = {
      {"a delete", change("svc", Action::remove, "kvm2", ""), true, true},
      {"a delete of a service not in the read", change("svc", Action::remove, "kvm2", ""), false, true},
      {"a create", change("svc", Action::create, "", "kvm2"), true, false},
      {"an update whose service is not in the read", resize("svc", "kvm2", 1, kCpu, kGiB), false, false},
      {"a move", [] {
         plan::ServiceChange c = resize("svc", "kvm2", 1, kCpu / 2, kGiB / 2);
         c.to_host = "kvm4";
         return c;
       }(), true, false},
      {"the same shape", resize("svc", "kvm2", 2, kCpu, kGiB), true, true},
      {"fewer replicas", resize("svc", "kvm2", 1, kCpu, kGiB), true, true},
      {"smaller tasks", resize("svc", "kvm2", 2, kCpu / 2, kGiB / 2), true, true},
      {"more, smaller tasks, the same total", resize("svc", "kvm2", 4, kCpu / 2, kGiB / 2), true, true},
      {"more replicas", resize("svc", "kvm2", 3, kCpu, kGiB), true, false},
      {"more memory a task", resize("svc", "kvm2", 2, kCpu, 2 * kGiB), true, false},
      {"fewer tasks but more in total", resize("svc", "kvm2", 1, 3 * kCpu, kGiB), true, false},
      {"a limit removed", no_limit, true, false},
      {"nothing owned declared", undeclared, true, true},
  };
  for (const ReleaseCase& c : cases) {
    EXPECT_EQ(releases_capacity(c.change, c.has_live ? &live : nullptr), c.releases) << c.what;
  }
}

// --- plan_waves -----------------------------------------------------------------

TEST(WavePlanWaves, DeletesAndShrinkingUpdatesFirstMovesSecondTheRestLast) {
  plan::Plan p;
  model::LiveState live;
  for (const char* id : {"grow", "move", "shrink", "same", "gone", "quiet"}) live.services.push_back(live_service(id, 2, kCpu, kGiB));
  p.services = {
      change("new", Action::create, "", "kvm2"),                // 0: the rest
      resize("grow", "kvm2", 3, kCpu, kGiB),                    // 1: the rest
      [] {                                                      // 2: a move
        plan::ServiceChange c = resize("move", "kvm2", 2, kCpu, kGiB);
        c.to_host = "kvm4";
        return c;
      }(),
      change("quiet", Action::noop, "kvm2", "kvm2"),             // no-op: no index
      resize("shrink", "kvm4", 1, kCpu, kGiB),                  // 3: releases
      change("gone", Action::remove, "kvm4", ""),               // 4: releases
      resize("same", "kvm2", 2, kCpu, kGiB),                    // 5: releases
  };
  const Waves w = plan_waves(p, live);
  EXPECT_EQ(w.changes, (std::vector<size_t>{0, 1, 2, 4, 5, 6}));
  EXPECT_EQ(w.waves[kReleasingWave], (std::vector<size_t>{3, 4, 5}));
  EXPECT_EQ(w.waves[kMovingWave], (std::vector<size_t>{2}));
  EXPECT_EQ(w.waves[kWaveCount - 1], (std::vector<size_t>{0, 1}));
}

TEST(WavePlanWaves, AnEmptyPlanHasEmptyWaves) {
  const Waves w = plan_waves(plan::Plan{}, model::LiveState{});
  EXPECT_TRUE(w.changes.empty());
  for (const auto& wave : w.waves) EXPECT_TRUE(wave.empty());
}

TEST(WavePlanWaves, AnUpdateOfAServiceNotInTheReadIsNotARelease) {
  plan::Plan p;
  p.services = {resize("elsewhere", "kvm2", 1, kCpu, kGiB)};
  const Waves w = plan_waves(p, model::LiveState{});
  EXPECT_TRUE(w.waves[kReleasingWave].empty());
  EXPECT_EQ(w.waves[kWaveCount - 1], (std::vector<size_t>{0}));
}

// --- unreleased_hosts and start_wave -----------------------------------------

struct HoldCase {
  const char* what;
  std::vector<Outcome> releasing;          ///< outcomes of the releasing changes (on kvm2, kvm4, "")
  std::set<std::string> unreleased;        ///< hosts expected unreleased
  std::vector<size_t> moves_started;       ///< change indexes of the moving wave that start
  std::vector<size_t> rest_started;        ///< ... of the last wave
  std::vector<std::string> held_reasons;   ///< the reasons given, moves first
};

TEST(WavePlanHoldBack, AFailedReleaseOnAHostHoldsBackLaterChangesOntoIt) {
  plan::Plan p;
  model::LiveState live;
  for (const char* id : {"free2", "free4", "roam", "move2", "move4", "grow2"}) live.services.push_back(live_service(id, 2, kCpu, kGiB));
  auto move = [](const std::string& name, const std::string& from, const std::string& to) {
    plan::ServiceChange c = resize(name, from, 2, kCpu, kGiB);
    c.to_host = to;
    return c;
  };
  p.services = {
      change("free2", Action::remove, "kvm2", ""),  // 0: releases kvm2
      resize("free4", "kvm4", 1, kCpu, kGiB),       // 1: releases kvm4
      change("roam", Action::remove, "", ""),       // 2: releases no named host
      move("move2", "kvm4", "kvm2"),                // 3: a move onto kvm2
      move("move4", "kvm2", "kvm4"),                // 4: a move onto kvm4
      change("new2", Action::create, "", "kvm2"),   // 5: the rest, onto kvm2
      resize("grow2", "kvm2", 3, kCpu, kGiB),       // 6: the rest, onto kvm2
      change("anywhere", Action::create, "", ""),   // 7: the rest, no host
  };
  const Waves w = plan_waves(p, live);
  ASSERT_EQ(w.waves[kReleasingWave], (std::vector<size_t>{0, 1, 2}));
  ASSERT_EQ(w.waves[kMovingWave], (std::vector<size_t>{3, 4}));
  ASSERT_EQ(w.waves[kWaveCount - 1], (std::vector<size_t>{5, 6, 7}));

  const std::string on2 = "not started: an earlier change that frees capacity on kvm2 failed";
  const std::string on4 = "not started: an earlier change that frees capacity on kvm4 failed";
  using O = Outcome;
  const std::vector<HoldCase> cases = {
      {"all released", {O::applied, O::applied, O::applied}, {}, {3, 4}, {5, 6, 7}, {}},
      {"kvm2 failed", {O::failed, O::applied, O::applied}, {"kvm2"}, {4}, {7}, {on2, on2, on2}},
      {"kvm4 rolled back", {O::applied, O::rolled_back, O::applied}, {"kvm4"}, {3}, {5, 6, 7}, {on4}},
      {"kvm2 interrupted, kvm4 never started", {O::interrupted, O::not_started, O::applied}, {"kvm2", "kvm4"},
       {}, {7}, {on2, on4, on2, on2}},
      {"a release on no named host failed", {O::applied, O::applied, O::failed}, {}, {3, 4}, {5, 6, 7}, {}},
  };
  for (const HoldCase& c : cases) {
    std::vector<ServiceResult> results(w.changes.size());
    for (size_t i = 0; i < c.releasing.size(); ++i) results[i].outcome = c.releasing[i];
    for (size_t i = c.releasing.size(); i < results.size(); ++i) results[i].outcome = O::applied;
    const std::set<std::string> unreleased = unreleased_hosts(p, w, results);
    EXPECT_EQ(unreleased, c.unreleased) << c.what;
    std::vector<std::string> reasons;
    const WaveStart moves = start_wave(p, w, kMovingWave, unreleased);
    const WaveStart rest = start_wave(p, w, kWaveCount - 1, unreleased);
    EXPECT_EQ(moves.start, c.moves_started) << c.what;
    EXPECT_EQ(rest.start, c.rest_started) << c.what;
    for (const WaveStart* s : {&moves, &rest}) {
      for (const HeldBack& h : s->held_back) reasons.push_back(h.reason);
    }
    EXPECT_EQ(reasons, c.held_reasons) << c.what;
  }
}

TEST(WavePlanHoldBack, TheHeldBackChangeIsNamedByItsIndex) {
  plan::Plan p;
  p.services = {change("free2", Action::remove, "kvm2", ""), change("new2", Action::create, "", "kvm2")};
  const Waves w = plan_waves(p, model::LiveState{});
  const WaveStart rest = start_wave(p, w, kWaveCount - 1, {"kvm2"});
  EXPECT_TRUE(rest.start.empty());
  ASSERT_EQ(rest.held_back.size(), 1u);
  EXPECT_EQ(rest.held_back[0].change, 1u);
  EXPECT_EQ(rest.held_back[0].reason, "not started: an earlier change that frees capacity on kvm2 failed");
}

TEST(WavePlanHoldBack, TheReleasingWaveHoldsBackNothing) {
  plan::Plan p;
  p.services = {change("free2", Action::remove, "kvm2", "kvm2")};
  const Waves w = plan_waves(p, model::LiveState{});
  const WaveStart first = start_wave(p, w, kReleasingWave, {"kvm2"});
  EXPECT_EQ(first.start, (std::vector<size_t>{0}));
  EXPECT_TRUE(first.held_back.empty());
}

// --- a service that declares no host (issue 13) ----------------------------------

// An unpinned service: the plan shows where its tasks run now as its host, but
// it takes or frees no particular host's capacity.
plan::ServiceChange unpinned(plan::ServiceChange c) {
  c.desired_host.clear();
  return c;
}

TEST(WavePlanUnpinned, AnUnpinnedUpdateIsNeverAMoveAndReleasesByItsShape) {
  const model::LiveService live = live_service("svc", 2, kCpu, kGiB);
  plan::ServiceChange shrink = unpinned(resize("svc", "kvm2,kvm4", 2, kCpu / 2, kGiB));
  shrink.to_host = "kvm2";  // its tasks moved since: still no move
  EXPECT_TRUE(releases_capacity(shrink, &live));
  plan::ServiceChange grow = unpinned(resize("svc", "", 3, kCpu, kGiB));
  grow.to_host = "(not pinned)";
  EXPECT_FALSE(releases_capacity(grow, &live));

  plan::Plan p;
  model::LiveState state;
  state.services.push_back(live);
  p.services = {grow};
  const Waves w = plan_waves(p, state);
  EXPECT_TRUE(w.waves[kMovingWave].empty());
  EXPECT_EQ(w.waves[kWaveCount - 1], (std::vector<size_t>{0}));
}

TEST(WavePlanUnpinned, AnUnpinnedChangeNeitherHoldsBackNorIsHeldBack) {
  plan::Plan p;
  model::LiveState live;
  for (const char* id : {"free2", "roam", "grow2", "wander"}) live.services.push_back(live_service(id, 2, kCpu, kGiB));
  p.services = {
      unpinned(resize("roam", "kvm4", 1, kCpu, kGiB)),  // 0: releases, runs on kvm4 now
      resize("free2", "kvm2", 1, kCpu, kGiB),           // 1: releases kvm2
      resize("grow2", "kvm4", 3, kCpu, kGiB),           // 2: the rest, onto kvm4
      unpinned(resize("wander", "kvm2", 3, kCpu, kGiB)), // 3: the rest, shown on kvm2
  };
  const Waves w = plan_waves(p, live);
  ASSERT_EQ(w.waves[kReleasingWave], (std::vector<size_t>{0, 1}));
  ASSERT_EQ(w.waves[kWaveCount - 1], (std::vector<size_t>{2, 3}));
  std::vector<ServiceResult> results(w.changes.size());
  results[0].outcome = Outcome::failed;  // the unpinned release failed: kvm4 is not named
  results[1].outcome = Outcome::failed;  // kvm2's did
  const std::set<std::string> unreleased = unreleased_hosts(p, w, results);
  EXPECT_EQ(unreleased, (std::set<std::string>{"kvm2"}));
  const WaveStart rest = start_wave(p, w, kWaveCount - 1, unreleased);
  EXPECT_EQ(rest.start, (std::vector<size_t>{2, 3}));  // "wander" runs on kvm2 now, but is not held back
  EXPECT_TRUE(rest.held_back.empty());
}

}  // namespace
}  // namespace swarmform::apply
