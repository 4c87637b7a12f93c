// The usage history (history/usage_db.h): rows round-trip, filter and prune;
// the schema is created and migrated; a newer, foreign, damaged or locked
// file is refused with the path and what to do, and left as it was; the
// folder and file are private.  Databases in odd states are made here with
// the sqlite3 API itself.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "reconciler/history/usage_db.h"
#include "reconciler/util/c_handle.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/transport_test_util.h"

namespace swarmform::history {
namespace {

using namespace std::chrono_literals;
using testing::read_text;
using testing::TempDir;
using testing::write_file;
using transport::ScopedEnv;
using DbPtr = CHandle<sqlite3, sqlite3_close_v2>;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

usage::ServiceUsage service(std::string name, std::string host, double cpu) {
  usage::ServiceUsage s;
  s.name = std::move(name);
  s.host = std::move(host);
  s.tasks = 2;
  s.cpu_used = cpu;
  s.cpu_limit_nano = 1'000'000'000;
  s.throttled_ratio = 0.375;
  s.throttled_cpus = 0.125;
  s.memory_used_bytes = 123'456'789;
  s.memory_limit_bytes = 536'870'912;
  s.oom_kills = 3;
  return s;
}

usage::UsageReport report(std::vector<usage::ServiceUsage> services, double window = 10) {
  usage::UsageReport r;
  r.window_seconds = window;
  r.services = std::move(services);
  return r;
}

/// A raw connection, for making databases the way another program (or an
/// older swarmform) would.
DbPtr raw_open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  DbPtr db(raw);
  EXPECT_EQ(rc, SQLITE_OK) << path;
  return db;
}

void raw_exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (err != nullptr ? err : "");
  sqlite3_free(err);
}

int64_t raw_int(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &raw, nullptr), SQLITE_OK) << sql;
  CHandle<sqlite3_stmt, sqlite3_finalize> stmt(raw);
  EXPECT_EQ(sqlite3_step(stmt.get()), SQLITE_ROW) << sql;
  return sqlite3_column_int64(stmt.get(), 0);
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST(HistoryUsageDb, RecordThenReadRoundTripsEveryFieldIncludingNulls) {
  TempDir dir;
  auto db = UsageDb::open(dir / "usage.db");
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(db->path(), dir / "usage.db");

  auto full = service("web", "node-a", 0.75);
  full.memory_used_bytes = (uint64_t{1} << 40) + 7;  // beyond 32 bits
  auto bare = service("worker", "node-b", 0);
  bare.tasks = 0;  // nothing measured: recorded all the same
  bare.cpu_limit_nano.reset();
  bare.memory_limit_bytes.reset();
  bare.oom_kills.reset();
  bare.throttled_ratio = 0;
  bare.throttled_cpus = 0;
  bare.memory_used_bytes = 0;
  ASSERT_TRUE(db->record("swarm-1", report({full, bare}, 12.5), 1'700'000'000));

  auto rows = db->read("swarm-1", 0);
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  const auto& a = (*rows)[0];
  EXPECT_EQ(a.at_unix, 1'700'000'000);
  EXPECT_EQ(a.window_seconds, 12.5);
  EXPECT_EQ(a.service, "web");
  EXPECT_EQ(a.host, "node-a");
  EXPECT_EQ(a.tasks, 2);
  EXPECT_EQ(a.cpu_used, 0.75);
  EXPECT_EQ(a.cpu_limit_nano, std::optional<int64_t>(1'000'000'000));
  EXPECT_EQ(a.throttled_ratio, 0.375);
  EXPECT_EQ(a.throttled_cpus, 0.125);
  EXPECT_EQ(a.memory_used_bytes, (uint64_t{1} << 40) + 7);
  EXPECT_EQ(a.memory_limit_bytes, std::optional<int64_t>(536'870'912));
  EXPECT_EQ(a.oom_kills, std::optional<uint64_t>(3));
  const auto& b = (*rows)[1];
  EXPECT_EQ(b.service, "worker");
  EXPECT_EQ(b.host, "node-b");
  EXPECT_EQ(b.tasks, 0);
  EXPECT_EQ(b.cpu_used, 0);
  EXPECT_FALSE(b.cpu_limit_nano.has_value());
  EXPECT_FALSE(b.memory_limit_bytes.has_value());
  EXPECT_FALSE(b.oom_kills.has_value());
  EXPECT_EQ(b.memory_used_bytes, 0u);
}

TEST(HistoryUsageDb, ReadFiltersBySwarmAndSinceOldestFirst) {
  TempDir dir;
  auto db = UsageDb::open(dir / "usage.db");
  ASSERT_TRUE(db) << db.error().message;
  // Recorded out of time order: read sorts them.
  ASSERT_TRUE(db->record("swarm-1", report({service("late", "h", 1)}), 300));
  ASSERT_TRUE(db->record("swarm-1", report({service("early", "h", 1)}), 100));
  ASSERT_TRUE(
      db->record("swarm-1", report({service("mid-1", "h", 1), service("mid-2", "h", 1)}), 200));
  ASSERT_TRUE(db->record("swarm-2", report({service("other", "h", 1)}), 250));

  auto rows = db->read("swarm-1", 200);
  ASSERT_TRUE(rows) << rows.error().message;
  std::vector<std::string> names;
  for (const auto& r : *rows) names.push_back(r.service + "@" + std::to_string(r.at_unix));
  EXPECT_EQ(names, (std::vector<std::string>{"mid-1@200", "mid-2@200", "late@300"}));

  auto other = db->read("swarm-2", 0);
  ASSERT_TRUE(other);
  ASSERT_EQ(other->size(), 1u);
  EXPECT_EQ((*other)[0].service, "other");
  auto none = db->read("swarm-3", 0);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(HistoryUsageDb, PruneRemovesOnlyOlderRowsAndSaysHowMany) {
  TempDir dir;
  auto db = UsageDb::open(dir / "usage.db");
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_TRUE(db->record("swarm-1", report({service("a", "h", 1), service("b", "h", 1)}), 100));
  ASSERT_TRUE(db->record("swarm-2", report({service("c", "h", 1)}), 150));
  ASSERT_TRUE(db->record("swarm-1", report({service("d", "h", 1)}), 200));

  auto removed = db->prune(200);  // "before": the row at 200 stays
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, 3);
  auto rows = db->read("swarm-1", 0);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].service, "d");
  auto again = db->prune(200);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
}

TEST(HistoryUsageDb, ReopeningKeepsTheRows) {
  TempDir dir;
  {
    auto db = UsageDb::open(dir / "usage.db");
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE(db->record("swarm-1", report({service("web", "h", 0.5)}), 100));
  }
  auto db = UsageDb::open(dir / "usage.db");
  ASSERT_TRUE(db) << db.error().message;
  auto rows = db->read("swarm-1", 0);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].service, "web");
  EXPECT_EQ((*rows)[0].cpu_used, 0.5);
}

TEST(HistoryUsageDb, AVersionZeroDatabaseIsMigrated) {
  TempDir dir;
  const std::string path = dir / "usage.db";
  {
    auto raw = raw_open(path);
    raw_exec(raw.get(), "PRAGMA user_version = 0");
    EXPECT_EQ(raw_int(raw.get(), "SELECT count(*) FROM sqlite_master"), 0);
  }
  auto db = UsageDb::open(path);
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_TRUE(db->record("swarm-1", report({service("web", "h", 1)}), 100));
  auto raw = raw_open(path);
  EXPECT_EQ(raw_int(raw.get(), "PRAGMA user_version"), kSchemaVersion);
  EXPECT_EQ(raw_int(raw.get(), "SELECT count(*) FROM usage_window"), 1);
  EXPECT_EQ(raw_int(raw.get(),
                    "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql LIKE "
                    "'%(swarm_id, at_unix)%'"),
            1);
}

TEST(HistoryUsageDb, ANewerSchemaIsRefusedAndLeftUntouched) {
  TempDir dir;
  const std::string path = dir / "usage.db";
  {
    auto raw = raw_open(path);
    raw_exec(raw.get(), "CREATE TABLE future (x INTEGER); PRAGMA user_version = 99");
  }
  const std::string before = read_text(path);

  auto db = UsageDb::open(path);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().message, path +
                                    " was written by a newer swarmform (schema 99, this one reads "
                                    "up to 1): use that version or --db another file");
  EXPECT_TRUE(read_text(path) == before);  // bytes: not printed
  auto raw = raw_open(path);
  EXPECT_EQ(raw_int(raw.get(), "PRAGMA user_version"), 99);
  EXPECT_EQ(raw_int(raw.get(), "SELECT count(*) FROM sqlite_master WHERE name = 'usage_window'"),
            0);
}

TEST(HistoryUsageDb, ATextFileIsRefusedNamingThePathAndLeftUntouched) {
  TempDir dir;
  for (const std::string& text : {std::string("not a database\n"), std::string(4096, 'x')}) {
    const std::string path = dir / "usage.db";
    write_file(path, text);
    auto db = UsageDb::open(path);
    ASSERT_FALSE(db) << text.size();
    EXPECT_TRUE(contains(db.error().message, path + " is not a usage database or is damaged ("))
        << db.error().message;
    EXPECT_TRUE(
        contains(db.error().message, "): move it away; a new one is created on the next --record"))
        << db.error().message;
    EXPECT_EQ(read_text(path), text);
  }
}

TEST(HistoryUsageDb, ADamagedDatabaseIsRefusedAsDamaged) {
  TempDir dir;
  const std::string path = dir / "usage.db";
  {
    auto db = UsageDb::open(path);
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE(db->record("swarm-1", report({service("web", "h", 1)}), 100));
  }  // the last connection checkpoints the WAL into the file
  ASSERT_FALSE(std::filesystem::exists(path + "-wal"));
  // Pages 2 and 3 (the table and its index; page 1 is the header and the
  // schema) overwritten with bytes no b-tree page starts with.
  std::string bytes = read_text(path);
  ASSERT_GE(bytes.size(), 3u * 4096);
  std::fill(bytes.begin() + 4096, bytes.begin() + 3 * 4096, '\xff');
  write_file(path, bytes);

  auto db = UsageDb::open(path);
  ASSERT_TRUE(db) << db.error().message;  // the header and schema are intact
  auto rows = db->read("swarm-1", 0);
  ASSERT_FALSE(rows);
  EXPECT_TRUE(contains(rows.error().message, path + " is not a usage database or is damaged ("))
      << rows.error().message;
  EXPECT_TRUE(
      contains(rows.error().message, "): move it away; a new one is created on the next --record"))
      << rows.error().message;
}

TEST(HistoryUsageDb, AnotherProgramsDatabaseIsRefusedAndLeftUntouched) {
  TempDir dir;
  for (const char* sql : {"CREATE TABLE notes (body TEXT)",  // v0 with tables
                          "CREATE TABLE notes (body TEXT); PRAGMA user_version = 1"}) {
    const std::string path = dir / "other.db";
    std::filesystem::remove(path);
    {
      auto raw = raw_open(path);
      raw_exec(raw.get(), sql);
    }
    const std::string before = read_text(path);
    auto db = UsageDb::open(path);
    ASSERT_FALSE(db) << sql;
    EXPECT_TRUE(contains(db.error().message, path + " is not a usage database or is damaged ("))
        << db.error().message;
    EXPECT_TRUE(read_text(path) == before) << sql;  // bytes: not printed
  }
}

TEST(HistoryUsageDb, ADatabaseLockedByAnotherWriterFailsAsLockedThenWorksOnceReleased) {
  TempDir dir;
  const std::string path = dir / "usage.db";
  {
    auto db = UsageDb::open(path);
    ASSERT_TRUE(db) << db.error().message;
  }
  auto other = raw_open(path);
  raw_exec(other.get(), "BEGIN EXCLUSIVE");
  auto db = UsageDb::open(path, 100ms);
  ASSERT_TRUE(db) << db.error().message;  // WAL: opening and reading do not wait for a writer
  auto read = db->read("swarm-1", 0);
  EXPECT_TRUE(read) << read.error().message;

  auto r = db->record("swarm-1", report({service("web", "h", 1)}), 100);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::timeout);
  EXPECT_TRUE(contains(r.error().message, path + " is locked by another swarmform ("))
      << r.error().message;
  EXPECT_TRUE(contains(r.error().message, "): try again when it finishes")) << r.error().message;
  auto p = db->prune(1000);
  ASSERT_FALSE(p);
  EXPECT_TRUE(contains(p.error().message, " is locked by another swarmform ("))
      << p.error().message;

  raw_exec(other.get(), "COMMIT");
  ASSERT_TRUE(db->record("swarm-1", report({service("web", "h", 1)}), 100));
  auto rows = db->read("swarm-1", 0);
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->size(), 1u);
}

TEST(HistoryUsageDb, ANewDatabaseLockedWhileItIsCreatedFailsAsLockedThenIsMigrated) {
  TempDir dir;
  const std::string path = dir / "usage.db";
  auto other = raw_open(path);  // rollback journal: an exclusive lock stops readers too
  raw_exec(other.get(), "BEGIN EXCLUSIVE");

  auto db = UsageDb::open(path, 100ms);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().kind, ErrorKind::timeout);
  EXPECT_TRUE(contains(db.error().message, path + " is locked by another swarmform ("))
      << db.error().message;

  raw_exec(other.get(), "COMMIT");
  other.reset();
  auto again = UsageDb::open(path, 100ms);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->record("swarm-1", report({service("web", "h", 1)}), 100));
}

TEST(HistoryUsageDb, TheCreatedFoldersAndFileArePrivate) {
  TempDir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  const std::string path = dir / "state/swarmform/usage.db";
  const mode_t old_umask = ::umask(0);  // the modes do not depend on the umask
  auto db = UsageDb::open(path);
  ::umask(old_umask);
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_TRUE(db->record("swarm-1", report({service("web", "h", 1)}), 100));
  EXPECT_EQ(mode_of(dir / "state"), 0700u);
  EXPECT_EQ(mode_of(dir / "state/swarmform"), 0700u);
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of(dir.path()), 0755u);  // an existing folder keeps its mode
  // SQLite gives its WAL and shared-memory files the database's mode.
  for (const char* suffix : {"-wal", "-shm"}) {
    if (std::filesystem::exists(path + suffix)) {
      EXPECT_EQ(mode_of(path + suffix), 0600u) << suffix;
    }
  }
}

TEST(HistoryUsageDb, DefaultPathFollowsXdgStateHomeThenHome) {
  {
    ScopedEnv state("XDG_STATE_HOME", "/xdg/state");
    ScopedEnv home("HOME", "/home/ops");
    auto p = default_db_path();
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(*p, "/xdg/state/swarmform/usage.db");
  }
  for (const std::optional<std::string>& state :
       {std::optional<std::string>(), std::optional<std::string>("relative/state"),
        std::optional<std::string>("")}) {
    ScopedEnv xdg("XDG_STATE_HOME", state);
    ScopedEnv home("HOME", "/home/ops");
    auto p = default_db_path();
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(*p, "/home/ops/.local/state/swarmform/usage.db");
  }
  {
    ScopedEnv xdg("XDG_STATE_HOME", std::nullopt);
    ScopedEnv home("HOME", std::nullopt);
    auto p = default_db_path();
    ASSERT_FALSE(p);
    EXPECT_TRUE(contains(p.error().message, "XDG_STATE_HOME")) << p.error().message;
    EXPECT_TRUE(contains(p.error().message, "nor HOME")) << p.error().message;
    EXPECT_TRUE(contains(p.error().message, "--db")) << p.error().message;
  }
}

}  // namespace
}  // namespace swarmform::history
