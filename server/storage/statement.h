#ifndef PUMPURS_SERVER_STORAGE_STATEMENT_H_
#define PUMPURS_SERVER_STORAGE_STATEMENT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct sqlite3;
struct sqlite3_stmt;

namespace pumpurs::storage {

// A prepared statement borrowed from its Connection's cache. It is reset and
// its bindings cleared when this handle dies, so the next user starts clean.
// Not thread-safe (neither is the Connection it came from). Bind indexes are
// 1-based, as in SQLite.
class Statement {
 public:
  // `in_use` is the cache slot's flag, cleared on destruction; nullptr
  // means this handle owns `stmt` and finalizes it.
  Statement(sqlite3* db, sqlite3_stmt* stmt, bool* in_use);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, absl::string_view text);
  Statement& Bind(int index, const char* text) {
    return Bind(index, absl::string_view(text));
  }
  Statement& Bind(int index, double value);
  Statement& BindBlob(int index, absl::string_view bytes);
  Statement& BindNull(int index);
  Statement& Bind(int index, const std::string& text) {
    return Bind(index, absl::string_view(text));
  }
  // Binds NULL for nullopt.
  Statement& BindOptional(int index, const std::optional<std::string>& text);

  // Advances: true if a row is ready, false when done.
  absl::StatusOr<bool> Step();
  // Steps until done, for statements that return no rows.
  absl::Status Run();

  int64_t ColumnInt64(int col) const;
  double ColumnDouble(int col) const;
  std::string ColumnText(int col) const;
  // The same without a copy: valid until the next Step() or the
  // statement's end (for scans of many rows).
  absl::string_view ColumnView(int col) const;
  bool ColumnIsNull(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool* in_use_;
  // The first failed Bind; reported by Step so call sites stay linear.
  absl::Status bind_status_;
};

}  // namespace pumpurs::storage

#endif  // PUMPURS_SERVER_STORAGE_STATEMENT_H_
