#include "server/auth/bootstrap.h"

#include "server/auth/account_admin.h"
#include "server/common/call_context.h"
#include "server/common/status_macros.h"

namespace pumpurs::auth {

absl::StatusOr<bool> BootstrapAdmin(storage::Connection& conn,
                                    absl::string_view username,
                                    absl::string_view password,
                                    absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT 1 FROM accounts WHERE username = ?"));
  s.Bind(1, username);
  PUMPURS_ASSIGN_OR_RETURN(bool exists, s.Step());
  if (exists) return false;
  // The server itself acts, with the national administrator's rights, so
  // the account goes through the same checks as any CreateAccount.
  CallContext call;
  call.caller_id = "system:bootstrap";
  call.principal.account_id = "system";
  call.principal.roles = {{Role::kNationalAdministrator, ""}};
  NewAccount account;
  account.username = std::string(username);
  account.kind = kUserKind;
  account.role_bindings = {
      {static_cast<int>(Role::kNationalAdministrator), ""}};
  PUMPURS_RETURN_IF_ERROR(
      CreateAccount(conn, call, account, password, "", "", now).status());
  return true;
}

}  // namespace pumpurs::auth
