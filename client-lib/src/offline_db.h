#ifndef PUMPURS_CLIENT_SRC_OFFLINE_DB_H_
#define PUMPURS_CLIENT_SRC_OFFLINE_DB_H_

// A minimal RAII layer over the sqlite3 C API for the offline store. The
// client library deliberately does not use the server's storage code: apps
// link only client-lib.

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pumpurs::client::internal {

class OfflineDb;

// One prepared statement; finalized on destruction.
class Stmt {
 public:
  Stmt(Stmt&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Binds are 1-based, as in SQLite. Text and blobs are copied.
  Stmt& Bind(int i, absl::string_view text);
  Stmt& BindBlob(int i, absl::string_view bytes);
  Stmt& Bind(int i, int64_t value);

  // true: a row is ready; false: done.
  absl::StatusOr<bool> Step();
  // Steps to completion (for statements that return no rows), then resets
  // the statement so it can run again.
  absl::Status Run();

  std::string Text(int col) const;
  std::string Blob(int col) const;
  int64_t Int(int col) const;

 private:
  friend class OfflineDb;
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class OfflineDb {
 public:
  // Opens or creates `path`; errors are UNAVAILABLE (cannot open) or
  // FAILED_PRECONDITION (not a database).
  static absl::StatusOr<OfflineDb> Open(const std::string& path);
  OfflineDb(OfflineDb&& other) noexcept : db_(other.db_) {
    other.db_ = nullptr;
  }
  OfflineDb(const OfflineDb&) = delete;
  OfflineDb& operator=(const OfflineDb&) = delete;
  ~OfflineDb();

  absl::Status Exec(const char* sql);
  absl::StatusOr<Stmt> Prepare(const char* sql);
  int64_t LastInsertId() const;
  int Changes() const;

  // A status for the connection's last error.
  absl::Status Error(absl::string_view what) const;

 private:
  explicit OfflineDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// A write transaction (BEGIN IMMEDIATE) that rolls back unless committed.
class Tx {
 public:
  static absl::StatusOr<Tx> Begin(OfflineDb& db);
  Tx(Tx&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;
  ~Tx();
  absl::Status Commit();

 private:
  explicit Tx(OfflineDb* db) : db_(db) {}
  OfflineDb* db_;
};

}  // namespace pumpurs::client::internal

#endif  // PUMPURS_CLIENT_SRC_OFFLINE_DB_H_
