#include "reconciler/history/usage_db.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "reconciler/util/c_handle.h"
#include "reconciler/util/file.h"
#include "reconciler/util/unique_fd.h"

namespace swarmform::history {
namespace {

using DbPtr = CHandle<sqlite3, sqlite3_close_v2>;
using StmtPtr = CHandle<sqlite3_stmt, sqlite3_finalize>;

/// "SWFU": marks a database as swarmform's usage history (PRAGMA
/// application_id), so `--db` naming another program's SQLite file at the
/// same user_version is refused rather than written into.
constexpr int kApplicationId = 0x53574655;

/// One step of the schema: SQL that takes a database at version `to - 1` to
/// `to`, ending with its own `PRAGMA user_version` (static text: a pragma's
/// value cannot be bound, and no SQL here is built from values).  Steps run in
/// order, all pending ones in one transaction; a v2 is one more entry.
struct Migration {
  int to;
  const char* sql;
};

constexpr std::array kMigrations = {
    Migration{1, R"sql(
CREATE TABLE usage_window (
  swarm_id           TEXT    NOT NULL,
  at_unix            INTEGER NOT NULL,
  window_seconds     REAL    NOT NULL,
  service            TEXT    NOT NULL,
  host               TEXT    NOT NULL,
  tasks              INTEGER NOT NULL,
  cpu_used           REAL    NOT NULL,
  cpu_limit_nano     INTEGER NULL,
  throttled_ratio    REAL    NOT NULL,
  throttled_cpus     REAL    NOT NULL,
  memory_used_bytes  INTEGER NOT NULL,
  memory_limit_bytes INTEGER NULL,
  oom_kills          INTEGER NULL
);
CREATE INDEX usage_window_by_swarm_time ON usage_window (swarm_id, at_unix);
PRAGMA application_id = 1398228565;
PRAGMA user_version = 1;
)sql"},
};
static_assert(kMigrations.size() == static_cast<size_t>(kSchemaVersion),
              "one migration step per schema version");
static_assert(kApplicationId == 1398228565, "the v1 step writes kApplicationId as a literal");

constexpr const char* kInsertSql = R"sql(
INSERT INTO usage_window (swarm_id, at_unix, window_seconds, service, host, tasks, cpu_used,
  cpu_limit_nano, throttled_ratio, throttled_cpus, memory_used_bytes, memory_limit_bytes, oom_kills)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13))sql";
constexpr const char* kPruneSql = "DELETE FROM usage_window WHERE at_unix < ?1";
// rowid breaks ties: the rows of one window come back in the report's order.
constexpr const char* kReadSql = R"sql(
SELECT at_unix, window_seconds, service, host, tasks, cpu_used, cpu_limit_nano, throttled_ratio,
  throttled_cpus, memory_used_bytes, memory_limit_bytes, oom_kills
FROM usage_window WHERE swarm_id = ?1 AND at_unix >= ?2 ORDER BY at_unix, rowid)sql";

Error not_a_usage_db(const std::string& path, const std::string& detail) {
  return Error{ErrorKind::failed,
               path + " is not a usage database or is damaged (" + detail +
                   "): move it away; a new one is created on the next --record",
               0};
}

Error newer_schema(const std::string& path, int64_t version) {
  return Error{ErrorKind::failed,
               path + " was written by a newer swarmform (schema " + std::to_string(version) +
                   ", this one reads up to " + std::to_string(kSchemaVersion) +
                   "): use that version or --db another file",
               0};
}

/// The error of an SQLite call that returned `rc`, naming the file and, for
/// the failures a user can act on, what to do.
Error db_error(const std::string& path, sqlite3* db, int rc, const std::string& what) {
  const std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return not_a_usage_db(path, detail);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error{
          ErrorKind::timeout,
          path + " is locked by another swarmform (" + detail + "): try again when it finishes", 0};
    default:
      return Error{ErrorKind::failed, path + ": " + what + ": " + detail, 0};
  }
}

/// Resets a statement (ending its implicit read transaction) and clears its
/// bindings when the scope that used it ends, on success or failure.
class StmtUse {
 public:
  explicit StmtUse(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~StmtUse() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  StmtUse(const StmtUse&) = delete;
  StmtUse& operator=(const StmtUse&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

Result<StmtPtr> prepare(const std::string& path, sqlite3* db, const char* sql, unsigned flags = 0) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql, -1, flags, &raw, nullptr);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) return fail(db_error(path, db, rc, "preparing a statement"));
  return stmt;
}

/// Static SQL (no values): pragmas, transaction control, migration steps.
Result<void> exec(const std::string& path, sqlite3* db, const char* sql, const std::string& what) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return fail(db_error(path, db, rc, what));
  return {};
}

/// The single integer a pragma or query returns.
Result<int64_t> query_int(const std::string& path, sqlite3* db, const char* sql) {
  SF_TRY_ASSIGN(auto stmt, prepare(path, db, sql));
  const int rc = sqlite3_step(stmt.get());
  if (rc != SQLITE_ROW) return fail(db_error(path, db, rc, std::string("reading ") + sql));
  return sqlite3_column_int64(stmt.get(), 0);
}

Result<std::string> query_text(const std::string& path, sqlite3* db, const char* sql) {
  SF_TRY_ASSIGN(auto stmt, prepare(path, db, sql));
  const int rc = sqlite3_step(stmt.get());
  if (rc != SQLITE_ROW) return fail(db_error(path, db, rc, std::string("reading ") + sql));
  const auto* text = sqlite3_column_text(stmt.get(), 0);
  return text != nullptr ? std::string(reinterpret_cast<const char*>(text)) : std::string();
}

/// A write transaction, rolled back unless committed.  BEGIN IMMEDIATE takes
/// the write lock up front, so waiting for another writer goes through the
/// busy timeout (a deferred transaction upgrading to a writer can fail at
/// once instead).
class Transaction {
 public:
  static Result<Transaction> begin(const std::string& path, sqlite3* db) {
    SF_TRY(exec(path, db, "BEGIN IMMEDIATE", "starting a transaction"));
    return Transaction(path, db);
  }
  Transaction(Transaction&& other) noexcept
      : path_(other.path_), db_(std::exchange(other.db_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (db_ != nullptr) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Result<void> commit() {
    SF_TRY(exec(*path_, db_, "COMMIT", "committing"));
    db_ = nullptr;
    return {};
  }

 private:
  Transaction(const std::string& path, sqlite3* db) : path_(&path), db_(db) {}
  const std::string* path_;
  sqlite3* db_;
};

std::string errno_text(int err) { return std::strerror(err); }

/// Creates the missing folders above `path`, each 0700 (the state of a
/// swarm's usage is the user's alone); existing ones are left as they are.
Result<void> make_parent_dirs(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return {};
  const std::string dir = path.substr(0, slash);
  for (size_t at = 1; at <= dir.size(); ++at) {
    if (at != dir.size() && dir[at] != '/') continue;
    const std::string prefix = dir.substr(0, at);
    if (prefix.back() == '/') continue;
    if (::mkdir(prefix.c_str(), 0700) == 0) {
      // mkdir's mode is narrowed by the umask; say exactly 0700.
      if (::chmod(prefix.c_str(), 0700) != 0) {
        const int err = errno;
        return fail("cannot set the mode of " + prefix + ": " + errno_text(err));
      }
    } else if (const int err = errno; err != EEXIST) {
      return fail("cannot create the folder " + prefix + " for " + path + ": " + errno_text(err));
    }
  }
  return {};
}

/// Creates `path` empty with mode 0600 when nothing is there (SQLite would
/// create it 0644 less the umask); an empty file is an empty database.
/// Whatever is already at `path` is left for SQLite to open or refuse.
Result<void> create_private_file(const std::string& path) {
  UniqueFd fd(
      ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, kPrivateFileMode));
  if (!fd.valid()) {
    const int err = errno;
    if (err == EEXIST) return {};
    return fail("cannot create " + path + ": " + errno_text(err));
  }
  if (::fchmod(fd.get(), kPrivateFileMode) != 0) {
    const int err = errno;
    return fail("cannot set the mode of " + path + ": " + errno_text(err));
  }
  return {};
}

/// Takes the database from its user_version to kSchemaVersion in one
/// transaction.  The version is read again under the write lock: another
/// swarmform opening the same new file at the same time has migrated it or
/// waits for us.
Result<void> migrate(const std::string& path, sqlite3* db) {
  SF_TRY_ASSIGN(auto tx, Transaction::begin(path, db));
  SF_TRY_ASSIGN(const int64_t version, query_int(path, db, "PRAGMA user_version"));
  if (version > kSchemaVersion) {
    return fail(newer_schema(path, version));
  }
  if (version == 0) {
    // A v0 database with tables belongs to some other program: adding ours
    // to it would mix two programs' data in one file.
    SF_TRY_ASSIGN(const int64_t objects, query_int(path, db, "SELECT count(*) FROM sqlite_master"));
    if (objects != 0) return fail(not_a_usage_db(path, "an SQLite database of another program"));
  }
  for (const auto& step : kMigrations) {
    if (step.to <= version) continue;
    SF_TRY(exec(path, db, step.sql, "migrating the schema to version " + std::to_string(step.to)));
  }
  return tx.commit();
}

}  // namespace

Result<std::string> default_db_path() {
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state != nullptr && state[0] == '/') return std::string(state) + "/swarmform/usage.db";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') {
    return std::string(home) + "/.local/state/swarmform/usage.db";
  }
  return fail(
      "no place for the usage database: neither XDG_STATE_HOME nor HOME is set to an absolute "
      "path; give --db FILE",
      ErrorKind::not_found);
}

struct UsageDb::Impl {
  std::string path;
  DbPtr db;  // declared before the statements: they are finalized first
  StmtPtr insert;
  StmtPtr prune;
  StmtPtr read;
};

UsageDb::UsageDb(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
UsageDb::UsageDb(UsageDb&&) noexcept = default;
UsageDb& UsageDb::operator=(UsageDb&&) noexcept = default;
UsageDb::~UsageDb() = default;

const std::string& UsageDb::path() const { return impl_->path; }

Result<UsageDb> UsageDb::open(const std::string& path, std::chrono::milliseconds busy_timeout) {
  SF_TRY(make_parent_dirs(path));
  SF_TRY(create_private_file(path));

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  const std::string& p = impl->path;
  sqlite3* raw = nullptr;
  // The file exists now: no SQLITE_OPEN_CREATE, so a file removed meanwhile
  // fails instead of coming back 0644.  A symlink to a database is the
  // user's choice and is followed.  Even a failed open returns a handle to
  // close.
  // NOMUTEX: a UsageDb is used by one thread at a time (usage_db.h), so
  // SQLite's per-call mutexes are pure cost — a tenth of reading a week of
  // windows (bench/advise.sh).
  const int rc = sqlite3_open_v2(p.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  impl->db = DbPtr(raw);
  sqlite3* db = impl->db.get();
  if (rc != SQLITE_OK) return fail(db_error(p, db, rc, "cannot open"));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));

  // The version first, before anything writes: a newer schema, a file that
  // is not a database and a foreign database are refused with the file as
  // it was.  No `PRAGMA quick_check`: it reads every page, on every open of
  // every agent cycle (30 days of 20 services a minute: 140 MB, 0.5 s with a
  // warm cache); damage SQLite meets in a statement is SQLITE_CORRUPT,
  // refused with the same message.
  SF_TRY_ASSIGN(const int64_t version, query_int(p, db, "PRAGMA user_version"));
  if (version > kSchemaVersion) {
    return fail(newer_schema(p, version));
  }
  if (version > 0) {
    SF_TRY_ASSIGN(const int64_t app, query_int(p, db, "PRAGMA application_id"));
    if (app != kApplicationId) {
      return fail(not_a_usage_db(p, "an SQLite database of another program"));
    }
  }

  if (version < kSchemaVersion) SF_TRY(migrate(p, db));

  // WAL, set only once the file is known to be ours (it rewrites the
  // header): the agent's --record-usage writes every cycle while a `usage
  // --since` may be reading days of rows; with a rollback journal each
  // would wait for the other (or fail past the busy timeout), with WAL
  // readers and the one writer do not block each other.  The mode is kept
  // in the file, so it is set once.  Where WAL cannot work (no shared
  // memory, e.g. some network file systems) SQLite keeps its journal and so
  // do we: slower under contention, still correct.  NORMAL sync in WAL
  // survives a crash of swarmform; a power cut may lose the last window.
  SF_TRY_ASSIGN(const std::string mode, query_text(p, db, "PRAGMA journal_mode"));
  if (mode != "wal") SF_TRY(query_text(p, db, "PRAGMA journal_mode=WAL"));
  SF_TRY(exec(p, db, "PRAGMA synchronous=NORMAL", "setting synchronous"));

  SF_TRY_ASSIGN(impl->insert, prepare(p, db, kInsertSql, SQLITE_PREPARE_PERSISTENT));
  SF_TRY_ASSIGN(impl->prune, prepare(p, db, kPruneSql, SQLITE_PREPARE_PERSISTENT));
  SF_TRY_ASSIGN(impl->read, prepare(p, db, kReadSql, SQLITE_PREPARE_PERSISTENT));
  return UsageDb(std::move(impl));
}

Result<void> UsageDb::record(const std::string& swarm_id, const usage::UsageReport& report,
                             int64_t at_unix) {
  const std::string& p = impl_->path;
  sqlite3* db = impl_->db.get();
  sqlite3_stmt* stmt = impl_->insert.get();
  SF_TRY_ASSIGN(auto tx, Transaction::begin(p, db));
  for (const auto& s : report.services) {
    StmtUse use(stmt);
    const auto bind_optional = [&](int index, const auto& value) {
      return value ? sqlite3_bind_int64(stmt, index, static_cast<sqlite3_int64>(*value))
                   : sqlite3_bind_null(stmt, index);
    };
    // Binding a valid index of a prepared statement fails only on OOM,
    // which sqlite3_step then reports.
    sqlite3_bind_text(stmt, 1, swarm_id.data(), static_cast<int>(swarm_id.size()), SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, at_unix);
    sqlite3_bind_double(stmt, 3, report.window_seconds);
    sqlite3_bind_text(stmt, 4, s.name.data(), static_cast<int>(s.name.size()), SQLITE_STATIC);
    sqlite3_bind_text(stmt, 5, s.host.data(), static_cast<int>(s.host.size()), SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 6, s.tasks);
    sqlite3_bind_double(stmt, 7, s.cpu_used);
    bind_optional(8, s.cpu_limit_nano);
    sqlite3_bind_double(stmt, 9, s.throttled_ratio);
    sqlite3_bind_double(stmt, 10, s.throttled_cpus);
    // Unsigned counts are stored as their 64-bit pattern and read back the
    // same way (no real figure reaches 2^63).
    sqlite3_bind_int64(stmt, 11, static_cast<sqlite3_int64>(s.memory_used_bytes));
    bind_optional(12, s.memory_limit_bytes);
    bind_optional(13, s.oom_kills);
    const int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) return fail(db_error(p, db, rc, "recording " + s.name));
  }
  return tx.commit();
}

Result<int64_t> UsageDb::prune(int64_t before_unix) {
  const std::string& p = impl_->path;
  sqlite3* db = impl_->db.get();
  sqlite3_stmt* stmt = impl_->prune.get();
  StmtUse use(stmt);
  sqlite3_bind_int64(stmt, 1, before_unix);
  const int rc = sqlite3_step(stmt);
  if (rc != SQLITE_DONE) return fail(db_error(p, db, rc, "removing old rows"));
  return static_cast<int64_t>(sqlite3_changes64(db));
}

Result<void> UsageDb::each(const std::string& swarm_id, int64_t since_unix,
                          const std::function<void(const usage::UsageRecord& row)>& row) {
  const std::string& p = impl_->path;
  sqlite3* db = impl_->db.get();
  sqlite3_stmt* stmt = impl_->read.get();
  StmtUse use(stmt);
  sqlite3_bind_text(stmt, 1, swarm_id.data(), static_cast<int>(swarm_id.size()), SQLITE_STATIC);
  sqlite3_bind_int64(stmt, 2, since_unix);
  const auto text = [&](int column, std::string& into) {
    const auto* t = sqlite3_column_text(stmt, column);
    if (t == nullptr) {
      into.clear();
    } else {
      into.assign(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(stmt, column)));
    }
  };
  const auto optional_int = [&](int column) -> std::optional<int64_t> {
    if (sqlite3_column_type(stmt, column) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int64(stmt, column);
  };
  usage::UsageRecord r;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    r.at_unix = sqlite3_column_int64(stmt, 0);
    r.window_seconds = sqlite3_column_double(stmt, 1);
    text(2, r.service);
    text(3, r.host);
    r.tasks = sqlite3_column_int(stmt, 4);
    r.cpu_used = sqlite3_column_double(stmt, 5);
    r.cpu_limit_nano = optional_int(6);
    r.throttled_ratio = sqlite3_column_double(stmt, 7);
    r.throttled_cpus = sqlite3_column_double(stmt, 8);
    r.memory_used_bytes = static_cast<uint64_t>(sqlite3_column_int64(stmt, 9));
    r.memory_limit_bytes = optional_int(10);
    r.oom_kills.reset();
    if (const auto oom = optional_int(11)) r.oom_kills = static_cast<uint64_t>(*oom);
    row(r);
  }
  if (rc != SQLITE_DONE) return fail(db_error(p, db, rc, "reading rows"));
  return {};
}

Result<std::vector<usage::UsageRecord>> UsageDb::read(const std::string& swarm_id, int64_t since_unix) {
  std::vector<usage::UsageRecord> rows;
  SF_TRY(each(swarm_id, since_unix, [&rows](const usage::UsageRecord& r) { rows.push_back(r); }));
  return rows;
}

}  // namespace swarmform::history
