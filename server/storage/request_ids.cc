#include "server/storage/request_ids.h"

#include "absl/strings/string_view.h"

namespace pumpurs::storage {

absl::StatusOr<std::optional<std::string>> RequestIds::Find(
    Connection& conn, absl::string_view caller, absl::string_view method,
    absl::string_view request_id) {
  absl::StatusOr<Statement> stmt = conn.Prepare(
      "SELECT resource_name FROM request_ids "
      "WHERE caller_id = ? AND method = ? AND request_id = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, caller).Bind(2, method).Bind(3, request_id);
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->ColumnText(0));
}

absl::Status RequestIds::Remember(Connection& conn, absl::string_view caller,
                                  absl::string_view method,
                                  absl::string_view request_id,
                                  absl::string_view resource_name,
                                  absl::Time now) {
  absl::StatusOr<Statement> stmt = conn.Prepare(
      "INSERT INTO request_ids "
      "(caller_id, method, request_id, resource_name, create_time) "
      "VALUES (?, ?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, caller)
      .Bind(2, method)
      .Bind(3, request_id)
      .Bind(4, resource_name)
      .Bind(5, absl::ToUnixMicros(now));
  return stmt->Run();
}

}  // namespace pumpurs::storage
