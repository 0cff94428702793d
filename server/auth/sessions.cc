#include "server/auth/sessions.h"

#include "server/auth/secrets.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"

namespace pumpurs::auth {

absl::StatusOr<IssuedSession> IssueSession(storage::Connection& conn,
                                           absl::string_view account_id,
                                           absl::Time now) {
  IssuedSession out;
  out.session_id = NewId();
  out.access_token = NewSecret("pat_");
  out.refresh_token = NewSecret("prt_");
  out.access_expire_time = now + kAccessTokenLifetime;
  out.refresh_expire_time = now + kRefreshTokenLifetime;
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO sessions (id, account_id, access_hash, "
                   "access_expire_time, refresh_hash, refresh_expire_time, "
                   "create_time) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  s.Bind(1, out.session_id)
      .Bind(2, account_id)
      .Bind(3, SecretHash(out.access_token))
      .Bind(4, absl::ToUnixMicros(out.access_expire_time))
      .Bind(5, SecretHash(out.refresh_token))
      .Bind(6, absl::ToUnixMicros(out.refresh_expire_time))
      .Bind(7, absl::ToUnixMicros(now));
  PUMPURS_RETURN_IF_ERROR(s.Run());
  return out;
}

}  // namespace pumpurs::auth
