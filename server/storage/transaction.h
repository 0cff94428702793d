#ifndef PUMPURS_SERVER_STORAGE_TRANSACTION_H_
#define PUMPURS_SERVER_STORAGE_TRANSACTION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/storage/connection.h"

namespace pumpurs::storage {

// A transaction that rolls back unless committed (RAII).
class Transaction {
 public:
  enum class Kind { kDeferred, kImmediate };

  static absl::StatusOr<Transaction> Begin(Connection& conn, Kind kind);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  absl::Status Commit();
  absl::Status Rollback();

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;
};

// A nested savepoint that rolls back to its start unless released (RAII).
// The writer runs each request of a group commit inside one, so a failed
// request leaves nothing behind while the others still commit.
class Savepoint {
 public:
  static absl::StatusOr<Savepoint> Begin(Connection& conn);
  Savepoint(Savepoint&& other) noexcept;
  Savepoint& operator=(Savepoint&&) = delete;
  ~Savepoint();

  absl::Status Release();
  absl::Status Rollback();

 private:
  explicit Savepoint(Connection* conn) : conn_(conn) {}
  Connection* conn_;
};

}  // namespace pumpurs::storage

#endif  // PUMPURS_SERVER_STORAGE_TRANSACTION_H_
