#include "server/storage/transaction.h"

#include <sqlite3.h>

#include <utility>

namespace pumpurs::storage {

absl::StatusOr<Transaction> Transaction::Begin(Connection& conn, Kind kind) {
  absl::Status s = conn.Exec(kind == Kind::kImmediate ? "BEGIN IMMEDIATE"
                                                      : "BEGIN DEFERRED");
  if (!s.ok()) return s;
  return Transaction(&conn);
}

Transaction::Transaction(Transaction&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)) {}

Transaction::~Transaction() {
  if (conn_ != nullptr) (void)Rollback();
}

namespace {
absl::Status Finished() {
  return absl::FailedPreconditionError(
      "storage: the transaction was already committed or rolled back");
}
}  // namespace

absl::Status Transaction::Commit() {
  Connection* conn = std::exchange(conn_, nullptr);
  if (conn == nullptr) return Finished();
  absl::Status s = conn->Exec("COMMIT");
  if (!s.ok()) (void)conn->Exec("ROLLBACK");
  return s;
}

absl::Status Transaction::Rollback() {
  Connection* conn = std::exchange(conn_, nullptr);
  if (conn == nullptr) return Finished();
  // SQLite may have rolled back already on its own (an interrupted write,
  // some I/O errors); then there is nothing left to undo.
  if (sqlite3_get_autocommit(conn->raw())) return absl::OkStatus();
  return conn->Exec("ROLLBACK");
}

absl::StatusOr<Savepoint> Savepoint::Begin(Connection& conn) {
  absl::Status s = conn.Exec("SAVEPOINT request");
  if (!s.ok()) return s;
  return Savepoint(&conn);
}

Savepoint::Savepoint(Savepoint&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)) {}

Savepoint::~Savepoint() {
  if (conn_ != nullptr) (void)Rollback();
}

absl::Status Savepoint::Release() {
  Connection* conn = std::exchange(conn_, nullptr);
  if (conn == nullptr) return Finished();
  return conn->Exec("RELEASE request");
}

absl::Status Savepoint::Rollback() {
  Connection* conn = std::exchange(conn_, nullptr);
  if (conn == nullptr) return Finished();
  // Gone with a transaction SQLite rolled back on its own (see above).
  if (sqlite3_get_autocommit(conn->raw())) return absl::OkStatus();
  absl::Status s = conn->Exec("ROLLBACK TO request");
  absl::Status r = conn->Exec("RELEASE request");
  return s.ok() ? r : s;
}

}  // namespace pumpurs::storage
