#include "server/auth/api_keys.h"

#include "absl/strings/str_cat.h"
#include "server/auth/accounts.h"
#include "server/auth/policy.h"
#include "server/auth/secrets.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"

namespace pumpurs::auth {
namespace {

absl::Status AuthorizeKeys(const CallContext& call,
                           absl::string_view account_id) {
  Target target;
  target.account_id = std::string(account_id);
  return Authorize(call.principal, Action::kAccountWrite, target);
}

}  // namespace

absl::StatusOr<IssuedApiKey> CreateApiKey(storage::Connection& conn,
                                          const CallContext& call,
                                          absl::string_view account_id,
                                          absl::Time now) {
  PUMPURS_RETURN_IF_ERROR(AuthorizeKeys(call, account_id));
  PUMPURS_ASSIGN_OR_RETURN(AccountRecord account,
                           GetAccountRecord(conn, account_id));
  if (!account.is_service) {
    return Error(absl::StatusCode::kFailedPrecondition, "NOT_A_SERVICE_ACCOUNT",
                 "only service accounts have API keys; people sign in");
  }
  IssuedApiKey out;
  out.id = NewId();
  out.account_id = account.id;
  out.key = NewSecret("pak_");
  out.create_time = now;
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO api_keys (id, account_id, key_hash, "
                   "create_time) VALUES (?, ?, ?, ?)"));
  s.Bind(1, out.id)
      .Bind(2, out.account_id)
      .Bind(3, SecretHash(out.key))
      .Bind(4, absl::ToUnixMicros(now));
  PUMPURS_RETURN_IF_ERROR(s.Run());
  return out;
}

absl::Status RevokeApiKey(storage::Connection& conn, const CallContext& call,
                          absl::string_view account_id,
                          absl::string_view key_id) {
  PUMPURS_RETURN_IF_ERROR(AuthorizeKeys(call, account_id));
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE api_keys SET revoked = 1 WHERE id = ? AND "
                   "account_id = ?"));
  s.Bind(1, key_id).Bind(2, account_id);
  PUMPURS_RETURN_IF_ERROR(s.Run());
  if (conn.changes() == 0) {
    return NotFoundError(absl::StrCat(ResourceName("accounts", account_id),
                                      "/apiKeys/", key_id));
  }
  return absl::OkStatus();
}

}  // namespace pumpurs::auth
