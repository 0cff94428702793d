#ifndef PUMPURS_SERVER_STORAGE_CONNECTION_H_
#define PUMPURS_SERVER_STORAGE_CONNECTION_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/common/call_context.h"
#include "server/storage/statement.h"

struct sqlite3;
struct sqlite3_stmt;

namespace pumpurs::storage {

// How hard a commit waits for the disk. FULL (the default) means an
// acknowledged write survives power loss; NORMAL in WAL mode may lose the
// last commits on power loss but never corrupts.
enum class Durability { kFull, kNormal };

struct ConnectionOptions {
  Durability durability = Durability::kFull;
  absl::Duration busy_timeout = absl::Seconds(5);
};

// One SQLite connection (RAII). Owned and used by exactly one thread at a
// time; never shared. Keeps a cache of prepared statements keyed by SQL text.
class Connection {
 public:
  enum class Mode { kReadWrite, kReadOnly };

  // Opens (creating if kReadWrite) the database file and applies the
  // connection PRAGMAs: WAL, synchronous, foreign keys, busy timeout, and
  // query_only for readers.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& path, Mode mode, const ConnectionOptions& options);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements that return no rows (DDL, PRAGMA).
  absl::Status Exec(absl::string_view sql);

  // A cached prepared statement; a second concurrent user of the same SQL
  // gets a private one.
  absl::StatusOr<Statement> Prepare(absl::string_view sql);

  // Runs `sql` (one statement) and returns the first column of the first row.
  absl::StatusOr<int64_t> QueryInt(absl::string_view sql);

  // Number of rows changed by the last INSERT/UPDATE/DELETE.
  int64_t changes() const;

  // The call whose work runs on this connection now; its deadline and
  // cancellation interrupt long queries (via the progress handler).
  void set_call(const CallContext* call) { call_ = call; }
  const CallContext* call() const { return call_; }

  sqlite3* raw() { return db_; }

 private:
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };

  explicit Connection(sqlite3* db) : db_(db) {}
  static int ProgressHandler(void* self);

  sqlite3* db_;
  const CallContext* call_ = nullptr;
  absl::flat_hash_map<std::string, std::unique_ptr<CachedStatement>> cache_;
};

}  // namespace pumpurs::storage

#endif  // PUMPURS_SERVER_STORAGE_CONNECTION_H_
