#include "client-lib/src/offline_db.h"

#include "absl/strings/str_cat.h"

namespace pumpurs::client::internal {
namespace {

absl::Status StatusOf(sqlite3* db, int rc, absl::string_view what) {
  const char* msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const std::string text = absl::StrCat("offline store: ", what, ": ", msg);
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return absl::FailedPreconditionError(text);
    case SQLITE_CANTOPEN:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return absl::UnavailableError(text);
    default:
      return absl::InternalError(text);
  }
}

}  // namespace

Stmt::~Stmt() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Stmt& Stmt::Bind(int i, absl::string_view text) {
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::BindBlob(int i, absl::string_view bytes) {
  // A zero-length blob must not be bound as NULL (columns are NOT NULL).
  sqlite3_bind_blob(stmt_, i, bytes.empty() ? "" : bytes.data(),
                    static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::Bind(int i, int64_t value) {
  sqlite3_bind_int64(stmt_, i, value);
  return *this;
}

absl::StatusOr<bool> Stmt::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return StatusOf(db_, rc, "step");
}

absl::Status Stmt::Run() {
  for (;;) {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) {
      sqlite3_reset(stmt_);
      return row.status();
    }
    if (!*row) {
      // Ready to run again with new bindings.
      sqlite3_reset(stmt_);
      return absl::OkStatus();
    }
  }
}

std::string Stmt::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (p == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::string Stmt::Blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  if (p == nullptr) return "";
  return std::string(static_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

int64_t Stmt::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

absl::StatusOr<OfflineDb> OfflineDb::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
      nullptr);
  if (rc != SQLITE_OK) {
    absl::Status s = StatusOf(db, rc, "open");
    sqlite3_close(db);
    return s;
  }
  // Another process (a second instance of the app) may hold the write lock
  // for a moment.
  sqlite3_busy_timeout(db, 5000);
  return OfflineDb(db);
}

OfflineDb::~OfflineDb() {
  if (db_ != nullptr) sqlite3_close(db_);
}

absl::Status OfflineDb::Exec(const char* sql) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return StatusOf(db_, rc, "exec");
  return absl::OkStatus();
}

absl::StatusOr<Stmt> OfflineDb::Prepare(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return StatusOf(db_, rc, "prepare");
  return Stmt(db_, stmt);
}

int64_t OfflineDb::LastInsertId() const {
  return sqlite3_last_insert_rowid(db_);
}

int OfflineDb::Changes() const { return sqlite3_changes(db_); }

absl::Status OfflineDb::Error(absl::string_view what) const {
  return StatusOf(db_, sqlite3_errcode(db_), what);
}

absl::StatusOr<Tx> Tx::Begin(OfflineDb& db) {
  absl::Status s = db.Exec("BEGIN IMMEDIATE");
  if (!s.ok()) return s;
  return Tx(&db);
}

Tx::~Tx() {
  if (db_ != nullptr) db_->Exec("ROLLBACK").IgnoreError();
}

absl::Status Tx::Commit() {
  absl::Status s = db_->Exec("COMMIT");
  if (s.ok()) db_ = nullptr;
  return s;
}

}  // namespace pumpurs::client::internal
