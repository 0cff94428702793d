#include "server/auth/accounts.h"

#include "absl/strings/str_cat.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"

namespace pumpurs::auth {

absl::string_view ScopeCollection(Role role) {
  switch (role) {
    case Role::kInstitutionHead:
    case Role::kInstitutionCoordinator:
    case Role::kPlanPreparer:
    case Role::kMeasureProvider:
      return "institutions";
    case Role::kMunicipalityCoordinator:
      return "municipalities";
    case Role::kGuardian:
      return "guardians";
    case Role::kAdultPupil:
      return "pupils";
    case Role::kNationalAdministrator:
    case Role::kMethodologist:
    case Role::kUnspecified:
      break;
  }
  return "";
}

std::string ScopeName(const RoleBinding& binding) {
  const absl::string_view collection = ScopeCollection(binding.role);
  if (collection.empty() || binding.scope_id.empty()) return "";
  return ResourceName(collection, binding.scope_id);
}

absl::StatusOr<AccountRecord> GetAccountRecord(storage::Connection& conn,
                                               absl::string_view id) {
  AccountRecord a;
  {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("SELECT id, username, kind, password_hash, version, "
                     "locked_until, create_time FROM accounts WHERE id = ?"));
    s.Bind(1, id);
    PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
    if (!found) return NotFoundError(ResourceName("accounts", id));
    a.id = s.ColumnText(0);
    a.username = s.ColumnText(1);
    a.is_service = s.ColumnInt64(2) == 2;
    a.password_hash = s.ColumnIsNull(3) ? "" : s.ColumnText(3);
    a.version = s.ColumnInt64(4);
    a.locked_until = absl::FromUnixMicros(s.ColumnInt64(5));
    a.create_time = absl::FromUnixMicros(s.ColumnInt64(6));
  }
  {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("SELECT role, scope_id FROM role_bindings "
                     "WHERE account_id = ? ORDER BY role, scope_id"));
    s.Bind(1, a.id);
    while (true) {
      PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      a.roles.push_back({static_cast<Role>(s.ColumnInt64(0)), s.ColumnText(1)});
    }
  }
  {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("SELECT scope FROM api_scopes WHERE account_id = ? "
                     "ORDER BY scope"));
    s.Bind(1, a.id);
    while (true) {
      PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      a.api_scopes.push_back(s.ColumnText(0));
    }
  }
  return a;
}

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
    s.Bind(1, account.id)
        .Bind(2, static_cast<int64_t>(b.role))
        .Bind(3, b.scope_id);
    PUMPURS_RETURN_IF_ERROR(s.Run());
  }
  for (const std::string& scope : account.api_scopes) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare(
            "INSERT INTO api_scopes (account_id, scope) VALUES (?, ?)"));
    s.Bind(1, account.id).Bind(2, scope);
    PUMPURS_RETURN_IF_ERROR(s.Run());
  }
  return account;
}

}  // namespace pumpurs::auth
