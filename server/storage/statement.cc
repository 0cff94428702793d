#include "server/storage/statement.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/string_view.h"
#include "server/storage/sqlite_status.h"

namespace pumpurs::storage {

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, bool* in_use)
    : db_(db), stmt_(stmt), in_use_(in_use) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      bind_status_(std::move(other.bind_status_)) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (in_use_ == nullptr) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *in_use_ = false;
}

namespace {
absl::Status CheckBind(int rc, sqlite3* db) {
  return SqliteStatus(rc, db, "bind parameter");
}

// SQLite binds NULL for a null data pointer, which an empty
// absl::string_view may have; an empty value must stay '' (or x'').
const char* NonNull(absl::string_view s) {
  return s.data() != nullptr ? s.data() : "";
}
}  // namespace

Statement& Statement::Bind(int index, int64_t value) {
  if (bind_status_.ok()) {
    bind_status_ = CheckBind(sqlite3_bind_int64(stmt_, index, value), db_);
  }
  return *this;
}

Statement& Statement::Bind(int index, absl::string_view text) {
  if (bind_status_.ok()) {
    bind_status_ =
        CheckBind(sqlite3_bind_text64(stmt_, index, NonNull(text), text.size(),
                                      SQLITE_TRANSIENT, SQLITE_UTF8),
                  db_);
  }
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  if (bind_status_.ok()) {
    bind_status_ = CheckBind(sqlite3_bind_double(stmt_, index, value), db_);
  }
  return *this;
}

Statement& Statement::BindBlob(int index, absl::string_view bytes) {
  if (bind_status_.ok()) {
    bind_status_ =
        CheckBind(sqlite3_bind_blob64(stmt_, index, NonNull(bytes),
                                      bytes.size(), SQLITE_TRANSIENT),
                  db_);
  }
  return *this;
}

Statement& Statement::BindNull(int index) {
  if (bind_status_.ok()) {
    bind_status_ = CheckBind(sqlite3_bind_null(stmt_, index), db_);
  }
  return *this;
}

Statement& Statement::BindOptional(int index,
                                   const std::optional<std::string>& text) {
  return text ? Bind(index, *text) : BindNull(index);
}

absl::StatusOr<bool> Statement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(rc, db_, "execute statement");
}

absl::Status Statement::Run() {
  while (true) {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
  }
}

int64_t Statement::ColumnInt64(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

double Statement::ColumnDouble(int col) const {
  return sqlite3_column_double(stmt_, col);
}

std::string Statement::ColumnText(int col) const {
  const unsigned char* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text),
                     sqlite3_column_bytes(stmt_, col));
}

absl::string_view Statement::ColumnView(int col) const {
  const unsigned char* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return absl::string_view();
  return absl::string_view(reinterpret_cast<const char*>(text),
                           sqlite3_column_bytes(stmt_, col));
}

bool Statement::ColumnIsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

}  // namespace pumpurs::storage
