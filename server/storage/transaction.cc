#include "server/storage/transaction.h"

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

absl::Status Transaction::Commit() {
  Connection* conn = std::exchange(conn_, nullptr);
  absl::Status s = conn->Exec("COMMIT");
  if (!s.ok()) (void)conn->Exec("ROLLBACK");
  return s;
}

absl::Status Transaction::Rollback() {
  Connection* conn = std::exchange(conn_, nullptr);
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
  return conn->Exec("RELEASE request");
}

absl::Status Savepoint::Rollback() {
  Connection* conn = std::exchange(conn_, nullptr);
  absl::Status s = conn->Exec("ROLLBACK TO request");
  absl::Status r = conn->Exec("RELEASE request");
  return s.ok() ? r : s;
}

}  // namespace pumpurs::storage
