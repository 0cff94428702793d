#ifndef PUMPURS_SERVER_STORAGE_SQLITE_STATUS_H_
#define PUMPURS_SERVER_STORAGE_SQLITE_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

struct sqlite3;

namespace pumpurs::storage {

// The one place SQLite result codes become canonical codes. The message
// names only `what` the storage layer was doing; SQL text and
// sqlite3_errmsg never reach a client (they go to the server log, which
// holds no data values because SQLite's messages hold none).
//   unique/primary key violation → ALREADY_EXISTS
//   other constraint              → FAILED_PRECONDITION
//   busy / locked                 → UNAVAILABLE
//   interrupt                     → CANCELLED
//   corrupt / not a database      → DATA_LOSS
//   full / I/O / cannot open      → UNAVAILABLE / INTERNAL
//   anything else                 → INTERNAL
absl::Status SqliteStatus(int rc, sqlite3* db, absl::string_view what);

}  // namespace pumpurs::storage

#endif  // PUMPURS_SERVER_STORAGE_SQLITE_STATUS_H_
