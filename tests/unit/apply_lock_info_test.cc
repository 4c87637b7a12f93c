// The apply lock's record: JSON, the config that carries it, times and ages,
// and the refusal message.

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <sys/wait.h>
#include <unistd.h>
#include <cstdlib>
#include <string>

#include "reconciler/apply/lock_info.h"
#include "reconciler/util/base64.h"

namespace swarmform::apply {
namespace {

using nlohmann::json;
using std::chrono::seconds;

const LockInfo kInfo{"3f9a1c0b7d2e4a65", "ci@runner-7", 4242, "2026-11-26T20:21:53Z", "0123abcd"};

TEST(ApplyLockInfo, JsonRoundTrip) {
  json j = lock_json(kInfo);
  EXPECT_EQ(j, json::parse(R"({"id":"3f9a1c0b7d2e4a65","who":"ci@runner-7","pid":4242,
                              "created":"2026-11-26T20:21:53Z","commit":"0123abcd"})"));
  auto back = parse_lock_json(j);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, kInfo);
  EXPECT_EQ(parse_lock_json(json::parse(R"({"who":"x"})")).error().message, "lock.id: missing");
  EXPECT_EQ(parse_lock_json(json::parse(R"({"id":"a","pid":"12"})")).error().message,
            "lock.pid: expected a number");
  EXPECT_FALSE(parse_lock_json(json::array()));
}

TEST(ApplyLockInfo, ConfigSpecCarriesBase64JsonAndLabels) {
  json spec = lock_config_spec(kInfo, "swarmform-lock");
  EXPECT_EQ(spec["Name"], "swarmform-lock");
  EXPECT_EQ(spec["Labels"]["swarmform.lock.id"], "3f9a1c0b7d2e4a65");
  EXPECT_EQ(spec["Labels"]["swarmform.lock.who"], "ci@runner-7");
  EXPECT_EQ(spec["Labels"]["swarmform.lock.pid"], "4242");
  EXPECT_EQ(spec["Labels"]["swarmform.lock.created"], "2026-11-26T20:21:53Z");
  EXPECT_EQ(spec["Labels"]["swarmform.lock.commit"], "0123abcd");
  auto data = base64_decode(spec["Data"].get<std::string>());
  ASSERT_TRUE(data);
  EXPECT_EQ(json::parse(*data), lock_json(kInfo));
  // As `GET /configs/{id}` returns it.
  json config = {
      {"ID", "gbk8cgt3ly8k6tn2iosqcslqd"}, {"Version", {{"Index", 358}}}, {"Spec", spec}};
  auto info = lock_from_config(config);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(*info, kInfo);
  config["Spec"]["Data"] = "not base64!";
  EXPECT_EQ(lock_from_config(config).error().message, "config.Spec.Data: not base64");
  config["Spec"]["Data"] = base64_encode("hello");
  EXPECT_EQ(lock_from_config(config).error().message, "config.Spec.Data: not JSON");
}

TEST(ApplyLockInfo, NewLockInfoDescribesThisProcess) {
  auto a = new_lock_info("abc");
  auto b = new_lock_info("");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->id.size(), 16U);
  EXPECT_EQ(a->id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a->id, b->id);
  EXPECT_NE(a->who.find('@'), std::string::npos);
  EXPECT_EQ(a->pid, getpid());
  EXPECT_EQ(a->commit, "abc");
  auto created = parse_rfc3339_utc(a->created);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_LE(std::chrono::abs(std::chrono::system_clock::now() - *created), seconds(5));
}

TEST(ApplyLockInfo, Rfc3339) {
  auto t = parse_rfc3339_utc("2026-11-26T20:21:53Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339_utc(*t), "2026-11-26T20:21:53Z");
  EXPECT_EQ(std::chrono::duration_cast<seconds>(t->time_since_epoch()).count(), 1795724513);
  // The engine's own timestamps carry nanoseconds.
  EXPECT_EQ(*parse_rfc3339_utc("2026-11-26T20:21:53.484921813Z"), *t);
  for (const char* bad :
       {"", "2026-11-26T20:21:53", "2026-11-26 20:21:53Z", "2026-11-26T20:21:53+01:00",
        "2026-13-26T20:21:53Z", "2026-11-26T20:21:53.Z", "x026-11-26T20:21:53Z"}) {
    EXPECT_FALSE(parse_rfc3339_utc(bad)) << bad;
  }
}

TEST(ApplyLockInfo, Ages) {
  EXPECT_EQ(format_age(seconds(-5)), "0s");
  EXPECT_EQ(format_age(seconds(45)), "45s");
  EXPECT_EQ(format_age(seconds(192)), "3m12s");
  EXPECT_EQ(format_age(seconds(2 * 3600 + 5 * 60 + 9)), "2h05m");
  EXPECT_EQ(format_age(seconds(3 * 86400 + 4 * 3600)), "3d04h");
}

TEST(ApplyLockInfo, HeldMessageNamesHolderAgeAndUnlockCommand) {
  auto created = *parse_rfc3339_utc(kInfo.created);
  EXPECT_EQ(lock_held_message(kInfo, created + seconds(192)),
            "another apply holds the lock on this swarm: lock 3f9a1c0b7d2e4a65 taken by "
            "ci@runner-7 (pid 4242) 3m12s ago (2026-11-26T20:21:53Z), commit 0123abcd. If that "
            "apply is no longer running, remove the lock with: swarmform unlock 3f9a1c0b7d2e4a65");
  LockInfo odd = kInfo;
  odd.created = "yesterday";
  odd.commit.clear();
  EXPECT_NE(lock_held_message(odd, created).find("(pid 4242) unknown age (yesterday). If"),
            std::string::npos)
      << lock_held_message(odd, created);
}

TEST(ApplyLockInfo, HeldMessageSaysAHolderGoneFromThisHostIsGone) {
  auto created = *parse_rfc3339_utc(kInfo.created);
  std::string m = lock_held_message(kInfo, created + seconds(60), HolderState::gone_here);
  EXPECT_NE(m.find("taken by ci@runner-7 (pid 4242) 1m00s ago"), std::string::npos) << m;
  EXPECT_NE(m.find("The holder is gone (no process 4242 on this host"), std::string::npos) << m;
  EXPECT_NE(m.find("run `swarmform unlock 3f9a1c0b7d2e4a65`"), std::string::npos) << m;
}

TEST(ApplyLockInfo, HeldMessageShowsControlCharactersEscaped) {
  LockInfo evil = kInfo;
  evil.who = std::string("mallory") + '\x1b' + "[2J@host";
  evil.commit = std::string("c0ffee") + '\x9b' + "2J";
  std::string m = lock_held_message(evil, std::chrono::system_clock::now());
  EXPECT_EQ(m.find('\x1b'), std::string::npos) << m;
  EXPECT_NE(m.find("taken by mallory\\x1b[2J@host"), std::string::npos) << m;
  EXPECT_NE(m.find("commit c0ffee\\x9b2J"), std::string::npos) << m;
}

TEST(ApplyLockInfo, NewLockInfoEscapesUserControlCharacters) {
  const char* old = std::getenv("USER");
  std::string saved = old ? old : "";
  setenv("USER", "evil\x1b[2Jme", 1);
  auto info = new_lock_info(std::string("abc") + '\x07');
  if (old) setenv("USER", saved.c_str(), 1); else unsetenv("USER");
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->who.rfind("evil\\x1b[2Jme@", 0), 0u) << info->who;
  EXPECT_EQ(info->commit, "abc\\x07");
  EXPECT_EQ(lock_config_spec(*info, "swarmform-lock")["Labels"]["swarmform.lock.who"], info->who);
}

TEST(ApplyLockInfo, HolderStateLooksAtThisHostAndPid) {
  auto mine = new_lock_info("");
  ASSERT_TRUE(mine) << mine.error().message;
  EXPECT_EQ(holder_state(*mine), HolderState::running_here);
  // A child that has exited and been reaped: its pid runs no more.
  pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  LockInfo dead = *mine;
  dead.pid = child;
  EXPECT_EQ(holder_state(dead), HolderState::gone_here);
  LockInfo far = dead;
  far.who = "ci@another-host-that-is-not-this-one";
  EXPECT_EQ(holder_state(far), HolderState::elsewhere);
  LockInfo none = *mine;
  none.pid = 0;
  EXPECT_EQ(holder_state(none), HolderState::elsewhere);
}

}  // namespace
}  // namespace swarmform::apply
