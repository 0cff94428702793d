#include "server/auth/accounts.h"

#include "server/common/ids.h"
#include "server/common/status_macros.h"

namespace pumpurs::auth {

absl::StatusOr<AccountRecord> InsertAccount(storage::Connection& conn,
                                            AccountRecord account,
                                            absl::Time now) {
  account.id = NewId();
  account.version = 1;
  account.create_time = now;
  const int64_t micros = absl::ToUnixMicros(now);
  {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("INSERT INTO accounts (id, username, kind, password_hash, "
                     "version, create_time, update_time) "
                     "VALUES (?, ?, ?, ?, 1, ?, ?)"));
    s.Bind(1, account.id)
        .Bind(2, account.username)
        .Bind(3, int64_t{account.is_service ? 2 : 1});
    if (account.password_hash.empty()) {
      s.BindNull(4);
    } else {
      s.Bind(4, account.password_hash);
    }
    s.Bind(5, micros).Bind(6, micros);
    PUMPURS_RETURN_IF_ERROR(s.Run());
  }
  for (const RoleBinding& b : account.roles) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("INSERT INTO role_bindings (account_id, role, scope_id) "
                     "VALUES (?, ?, ?)"));
    s.Bind(1, account.id).Bind(2, static_cast<int64_t>(b.role)).Bind(3, b.scope_id);
    PUMPURS_RETURN_IF_ERROR(s.Run());
  }
  for (const std::string& scope : account.api_scopes) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("INSERT INTO api_scopes (account_id, scope) VALUES (?, ?)"));
    s.Bind(1, account.id).Bind(2, scope);
    PUMPURS_RETURN_IF_ERROR(s.Run());
  }
  return account;
}

}  // namespace pumpurs::auth
