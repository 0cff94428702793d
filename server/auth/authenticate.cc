#include "server/auth/authenticate.h"

#include <string>

#include "server/auth/secrets.h"
#include "server/auth/sessions.h"
#include "server/common/error.h"
#include "server/common/status_macros.h"

namespace pumpurs::auth {
namespace {

absl::Status InvalidToken() { return InvalidTokenError(); }

absl::Status LoadAccount(storage::Connection& conn, Principal& p) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement roles,
      conn.Prepare("SELECT role, scope_id FROM role_bindings "
                   "WHERE account_id = ? ORDER BY role, scope_id"));
  roles.Bind(1, p.account_id);
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, roles.Step());
    if (!row) break;
    p.roles.push_back(
        {static_cast<Role>(roles.ColumnInt64(0)), roles.ColumnText(1)});
  }
  // The staff records the account's person holds (plans name their
  // preparer and providers as staff).
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement staff,
      conn.Prepare("SELECT id FROM staff WHERE account_id = ? ORDER BY id"));
  staff.Bind(1, p.account_id);
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, staff.Step());
    if (!row) break;
    p.staff_ids.push_back(staff.ColumnText(0));
  }
  if (p.is_service) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement scopes,
        conn.Prepare("SELECT scope FROM api_scopes WHERE account_id = ? "
                     "ORDER BY scope"));
    scopes.Bind(1, p.account_id);
    while (true) {
      PUMPURS_ASSIGN_OR_RETURN(bool row, scopes.Step());
      if (!row) break;
      p.api_scopes.push_back(scopes.ColumnText(0));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Authenticate(storage::Connection& conn, CallContext& call,
                          absl::Time now) {
  call.principal = Principal();
  if (call.bearer_token.empty()) return absl::OkStatus();
  if (call.bearer_token.size() > 256) return InvalidToken();
  const std::string hash = SecretHash(call.bearer_token);
  Principal p;
  {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("SELECT s.id, s.account_id FROM sessions s "
                     "JOIN accounts a ON a.id = s.account_id "
                     "WHERE s.access_hash = ? AND s.revoked = 0 "
                     "AND s.access_expire_time > ? AND a.disabled = 0"));
    s.Bind(1, hash).Bind(2, absl::ToUnixMicros(now));
    PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
    if (found) {
      p.session_id = s.ColumnText(0);
      p.account_id = s.ColumnText(1);
    }
  }
  if (!p.authenticated()) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("SELECT k.id, k.account_id FROM api_keys k "
                     "JOIN accounts a ON a.id = k.account_id "
                     "WHERE k.key_hash = ? AND k.revoked = 0 "
                     "AND a.kind = 2 AND a.disabled = 0"));
    s.Bind(1, hash);
    PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
    if (!found) return InvalidToken();
    p.api_key_id = s.ColumnText(0);
    p.account_id = s.ColumnText(1);
    p.is_service = true;
  }
  PUMPURS_RETURN_IF_ERROR(LoadAccount(conn, p));
  call.principal = std::move(p);
  call.caller_id = call.principal.ActorName();
  return absl::OkStatus();
}

}  // namespace pumpurs::auth
