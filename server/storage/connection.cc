#include "server/storage/connection.h"

#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/storage/sqlite_status.h"

namespace pumpurs::storage {
namespace {

// The progress handler runs every this many virtual-machine instructions:
// often enough that a cancelled query stops within milliseconds.
constexpr int kProgressInstructions = 10000;

}  // namespace

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(
    const std::string& path, Mode mode, const ConnectionOptions& options) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX;  // one thread per connection
  flags |= mode == Mode::kReadOnly
               ? SQLITE_OPEN_READONLY
               : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteStatus(rc, db, "open database");
    sqlite3_close_v2(db);
    return status;
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(
      db, static_cast<int>(absl::ToInt64Milliseconds(options.busy_timeout)));
  sqlite3_progress_handler(db, kProgressInstructions,
                           &Connection::ProgressHandler, conn.get());
  std::string pragmas = absl::StrCat(
      "PRAGMA foreign_keys=ON; PRAGMA synchronous=",
      options.durability == Durability::kFull ? "FULL" : "NORMAL", ";");
  if (mode == Mode::kReadWrite) {
    // The writer runs checkpoints itself (see Database), so automatic
    // checkpoints, which would land on a random commit, are off.
    absl::StrAppend(&pragmas,
                    "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;");
  } else {
    absl::StrAppend(&pragmas, "PRAGMA query_only=ON;");
  }
  if (absl::Status s = conn->Exec(pragmas); !s.ok()) return s;
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached->stmt);
  sqlite3_close_v2(db_);
}

int Connection::ProgressHandler(void* self) {
  const CallContext* call = static_cast<Connection*>(self)->call_;
  if (call == nullptr) return 0;
  return (call->IsCancelled() || call->Expired()) ? 1 : 0;
}

absl::Status Connection::Exec(absl::string_view sql) {
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  return SqliteStatus(rc, db_, "execute script");
}

absl::StatusOr<Statement> Connection::Prepare(absl::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second->in_use) {
    it->second->in_use = true;
    return Statement(db_, it->second->stmt, &it->second->in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, db_, "prepare statement");
  if (it != cache_.end()) return Statement(db_, stmt, nullptr);
  auto cached = std::make_unique<CachedStatement>();
  cached->stmt = stmt;
  cached->in_use = true;
  bool* flag = &cached->in_use;
  cache_.emplace(std::string(sql), std::move(cached));
  return Statement(db_, stmt, flag);
}

absl::StatusOr<int64_t> Connection::QueryInt(absl::string_view sql) {
  absl::StatusOr<Statement> stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) {
    return absl::InternalError("storage: query returned no row");
  }
  return stmt->ColumnInt64(0);
}

int64_t Connection::changes() const { return sqlite3_changes64(db_); }

}  // namespace pumpurs::storage
