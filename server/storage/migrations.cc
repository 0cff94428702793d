#include "server/storage/migrations.h"

#include "absl/strings/str_cat.h"
#include "server/common/error.h"
#include "server/common/log.h"
#include "server/storage/transaction.h"

namespace pumpurs::storage {

absl::StatusOr<int> Migrate(Connection& conn,
                            absl::Span<const Migration> migrations) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return absl::InternalError("migrations must be numbered 1, 2, 3, ...");
    }
  }
  const int latest = static_cast<int>(migrations.size());
  absl::StatusOr<Transaction> txn =
      Transaction::Begin(conn, Transaction::Kind::kImmediate);
  if (!txn.ok()) return txn.status();
  absl::StatusOr<int64_t> current = conn.QueryInt("PRAGMA user_version");
  if (!current.ok()) return current.status();
  if (*current > latest) {
    return Error(
        absl::StatusCode::kFailedPrecondition, "SCHEMA_TOO_NEW",
        absl::StrCat("the database file has schema version ", *current,
                     " but this pumpurs-server understands versions up to ",
                     latest,
                     "; run a newer pumpurs-server (files are never "
                     "migrated backwards)"));
  }
  for (int v = static_cast<int>(*current) + 1; v <= latest; ++v) {
    const Migration& m = migrations[v - 1];
    if (absl::Status s = conn.Exec(m.sql); !s.ok()) return s;
    if (absl::Status s = conn.Exec(absl::StrCat("PRAGMA user_version=", v));
        !s.ok()) {
      return s;
    }
    LogLine("migration").Int("version", v).Str("description", m.description);
  }
  if (absl::Status s = txn->Commit(); !s.ok()) return s;
  return latest;
}

}  // namespace pumpurs::storage
