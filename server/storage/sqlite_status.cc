#include "server/storage/sqlite_status.h"

#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/common/error.h"
#include "server/common/log.h"

namespace pumpurs::storage {

absl::Status SqliteStatus(int rc, sqlite3* db, absl::string_view what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) {
    return absl::OkStatus();
  }
  int extended = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  LogLine("storage_error")
      .Str("what", what)
      .Int("sqlite_code", extended)
      .Str("sqlite_message",
           db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  const std::string message = absl::StrCat("storage: ", what, " failed");
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (extended == SQLITE_CONSTRAINT_UNIQUE ||
          extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Error(absl::StatusCode::kAlreadyExists, "ALREADY_EXISTS",
                     "a resource with the same unique key already exists");
      }
      return Error(absl::StatusCode::kFailedPrecondition,
                   "CONSTRAINT_VIOLATION",
                   "the change would break a rule of the data");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error(absl::StatusCode::kUnavailable, "STORAGE_BUSY",
                   "the database is busy; retry");
    case SQLITE_INTERRUPT:
      return Error(absl::StatusCode::kCancelled, "QUERY_INTERRUPTED",
                   "the query was cancelled");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Error(absl::StatusCode::kDataLoss, "STORAGE_CORRUPT", message);
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return Error(absl::StatusCode::kUnavailable, "STORAGE_IO", message);
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return Error(absl::StatusCode::kFailedPrecondition, "STORAGE_READONLY",
                   message);
    default:
      return Error(absl::StatusCode::kInternal, "STORAGE_ERROR", message);
  }
}

}  // namespace pumpurs::storage
