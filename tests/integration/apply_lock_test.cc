// The apply lock on the real lab swarm: a docker config whose name is taken
// atomically.  Each test uses its own config name, so that a real
// `swarmform-lock` taken by someone else's apply on the shared lab is never
// touched.

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "reconciler/apply/lock.h"
#include "reconciler/engine/docker_client.h"
#include "support/lab_engine.h"
#include "support/lab_state.h"

namespace swarmform::apply {
namespace {

using engine::DockerClient;
using swarmform::testing::connect_kvm4;
using swarmform::testing::docker;
using swarmform::testing::Lab;
using swarmform::testing::unique_name;

/// Removes the config when the test ends, however it ends.
class ConfigCleanup {
 public:
  ConfigCleanup(const Lab& lab, std::string name) : lab_(lab), name_(std::move(name)) {}
  ~ConfigCleanup() { docker(lab_, "config rm " + name_); }
  ConfigCleanup(const ConfigCleanup&) = delete;
  ConfigCleanup& operator=(const ConfigCleanup&) = delete;

 private:
  const Lab& lab_;
  std::string name_;
};

LockInfo info(const std::string& commit) {
  auto i = new_lock_info(commit);
  if (!i) throw std::runtime_error(i.error().message);
  return *i;
}

TEST(ApplyLabLock, SecondAcquireIsRefusedNamingTheHolder) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("lock-held");
  ConfigCleanup cleanup(lab, name);
  DockerClient first = connect_kvm4(lab);
  DockerClient second = connect_kvm4(lab);  // another apply, its own connection

  LockInfo mine = info("0123abcd");
  auto held = acquire_lock(first, mine, name);
  ASSERT_TRUE(held) << held.error().message;
  EXPECT_EQ(held->info, mine);
  EXPECT_EQ(held->config_name, name);
  // The CLI sees the config, labelled with the holder.
  EXPECT_EQ(docker(lab, "config inspect " + name +
                            " --format '{{index .Spec.Labels \"swarmform.lock.id\"}}'"),
            mine.id + "\n");

  auto refused = acquire_lock(second, info("4567ef01"), name);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::conflict);
  const std::string& m = refused.error().message;
  EXPECT_TRUE(m.starts_with("another apply holds the lock on this swarm: lock " + mine.id +
                            " taken by " + mine.who + " (pid " + std::to_string(mine.pid) + ") "))
      << m;
  EXPECT_NE(m.find("s ago (" + mine.created + "), commit 0123abcd."), std::string::npos) << m;
  EXPECT_TRUE(m.ends_with("swarmform unlock " + mine.id)) << m;

  auto current = read_lock(second, name);
  ASSERT_TRUE(current) << current.error().message;
  ASSERT_TRUE(current->has_value());
  EXPECT_EQ(**current, mine);
  ASSERT_TRUE(release_lock(first, *held));
}

TEST(ApplyLabLock, RacingAppliesExactlyOneWins) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("lock-race");
  ConfigCleanup cleanup(lab, name);
  constexpr int kRacers = 6;
  std::vector<DockerClient> clients;
  for (int i = 0; i < kRacers; ++i) clients.push_back(connect_kvm4(lab));
  std::atomic<int> ready{0};
  std::atomic<int> won{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> racers;
  for (int i = 0; i < kRacers; ++i) {
    racers.emplace_back([&, i] {
      LockInfo mine = info("racer-" + std::to_string(i));
      ++ready;
      while (ready.load() < kRacers) std::this_thread::yield();
      auto lock = acquire_lock(clients[static_cast<size_t>(i)], mine, name);
      if (lock) {
        ++won;
      } else if (lock.error().kind == ErrorKind::conflict) {
        ++refused;
      }
    });
  }
  for (auto& t : racers) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(refused.load(), kRacers - 1);
}

TEST(ApplyLabLock, ReleaseThenAcquireWorks) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("lock-release");
  ConfigCleanup cleanup(lab, name);
  DockerClient client = connect_kvm4(lab);
  auto a = acquire_lock(client, info("a"), name);
  ASSERT_TRUE(a) << a.error().message;
  auto released = release_lock(client, *a);
  ASSERT_TRUE(released) << released.error().message;
  auto free_now = read_lock(client, name);
  ASSERT_TRUE(free_now) << free_now.error().message;
  EXPECT_FALSE(free_now->has_value());
  auto b = acquire_lock(client, info("b"), name);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_NE(b->config_id, a->config_id);
  // Releasing the old lock again touches nothing: it names the old config.
  auto stale = release_lock(client, *a);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().kind, ErrorKind::not_found);
  auto still = read_lock(client, name);
  ASSERT_TRUE(still && still->has_value());
  EXPECT_EQ((*still)->id, b->info.id);
  ASSERT_TRUE(release_lock(client, *b));
}

TEST(ApplyLabLock, ForceUnlockNeedsTheCurrentLockId) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("lock-force");
  ConfigCleanup cleanup(lab, name);
  DockerClient client = connect_kvm4(lab);
  auto none = force_unlock(client, "0000000000000000", RemoveLive::no, name);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, ErrorKind::not_found);

  LockInfo dead = info("c0ffee");
  auto held = acquire_lock(client, dead, name);
  ASSERT_TRUE(held) << held.error().message;
  auto wrong = force_unlock(client, "0000000000000000", RemoveLive::no, name);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind, ErrorKind::conflict);
  EXPECT_EQ(wrong.error().message, "unlock 0000000000000000: refused, the lock held now is " +
                                       dead.id + " (taken by " + dead.who + ", pid " +
                                       std::to_string(dead.pid) + ", at " + dead.created +
                                       "), not 0000000000000000");
  auto still = read_lock(client, name);
  ASSERT_TRUE(still && still->has_value());

  // Its holder (this test process) is alive on this host: refused unless forced.
  auto live = force_unlock(client, dead.id, RemoveLive::no, name);
  ASSERT_FALSE(live);
  EXPECT_EQ(live.error().kind, ErrorKind::conflict);
  EXPECT_NE(live.error().message.find("its holder is still running"), std::string::npos) << live.error().message;
  EXPECT_NE(live.error().message.find("--force"), std::string::npos) << live.error().message;
  auto removed = force_unlock(client, dead.id, RemoveLive::yes, name);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, dead);
  auto after = acquire_lock(client, info("next"), name);
  ASSERT_TRUE(after) << after.error().message;
  ASSERT_TRUE(release_lock(client, *after));
}

TEST(ApplyLabLock, AConfigThatIsNotALockIsReportedNotOverwritten) {
  SF_REQUIRE_LAB(lab);
  const std::string name = unique_name("lock-foreign");
  ConfigCleanup cleanup(lab, name);
  int status = -1;
  std::string out = docker(lab, "config create " + name + " /etc/hostname", &status);
  ASSERT_EQ(status, 0) << out;
  DockerClient client = connect_kvm4(lab);
  auto refused = acquire_lock(client, info("x"), name);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::conflict);
  EXPECT_NE(refused.error().message.find("exists but is not a swarmform lock"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("docker config rm " + name), std::string::npos);
}

}  // namespace
}  // namespace swarmform::apply
