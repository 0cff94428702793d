#ifndef PUMPURS_SERVER_STORAGE_MIGRATIONS_H_
#define PUMPURS_SERVER_STORAGE_MIGRATIONS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "server/storage/connection.h"

namespace pumpurs::storage {

// One forward-only schema step. Versions start at 1 and have no gaps.
struct Migration {
  int version;
  absl::string_view description;
  absl::string_view sql;
};

// The project's migrations, in order (schema.cc).
absl::Span<const Migration> SchemaMigrations();

// Brings the file to the newest version in `migrations`, in one transaction
// (all steps or none). The version lives in the file (PRAGMA user_version).
// A file newer than `migrations` is refused with FAILED_PRECONDITION, reason
// SCHEMA_TOO_NEW. Returns the file's version afterwards.
absl::StatusOr<int> Migrate(Connection& conn,
                            absl::Span<const Migration> migrations);

}  // namespace pumpurs::storage

#endif  // PUMPURS_SERVER_STORAGE_MIGRATIONS_H_
