#include "server/auth/sessions.h"

#include "server/auth/secrets.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"

namespace pumpurs::auth {
namespace {

// Fresh tokens for a session that starts or rotates at `now`.
IssuedSession NewTokens(absl::string_view session_id, absl::Time now) {
  IssuedSession out;
  out.session_id = std::string(session_id);
  out.access_token = NewSecret("pat_");
  out.refresh_token = NewSecret("prt_");
  out.access_expire_time = now + kAccessTokenLifetime;
  out.refresh_expire_time = now + kRefreshTokenLifetime;
  return out;
}

// Rotation: the session keeps its id and gets new tokens; the old refresh
// token's hash is remembered as spent.
absl::Status Rotate(storage::Connection& conn, const IssuedSession& next,
                    absl::string_view spent_refresh_hash) {
  {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("UPDATE sessions SET access_hash = ?, "
                     "access_expire_time = ?, refresh_hash = ?, "
                     "refresh_expire_time = ? WHERE id = ?"));
    s.Bind(1, SecretHash(next.access_token))
        .Bind(2, absl::ToUnixMicros(next.access_expire_time))
        .Bind(3, SecretHash(next.refresh_token))
        .Bind(4, absl::ToUnixMicros(next.refresh_expire_time))
        .Bind(5, next.session_id);
    PUMPURS_RETURN_IF_ERROR(s.Run());
  }
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO spent_refresh_tokens (refresh_hash, "
                   "session_id) VALUES (?, ?)"));
  s.Bind(1, spent_refresh_hash).Bind(2, next.session_id);
  return s.Run();
}

}  // namespace

absl::Status InvalidTokenError() {
  return Error(absl::StatusCode::kUnauthenticated, "INVALID_TOKEN",
               "the token is not valid (unknown, expired or revoked); sign in "
               "again");
}

absl::StatusOr<IssuedSession> IssueSession(storage::Connection& conn,
                                           absl::string_view account_id,
                                           absl::Time now) {
  IssuedSession out = NewTokens(NewId(), now);
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

absl::StatusOr<RefreshOutcome> RefreshSession(storage::Connection& conn,
                                              absl::string_view refresh_token,
                                              absl::Time now) {
  RefreshOutcome out;
  if (refresh_token.empty()) {
    out.status = InvalidFieldError("refresh_token", "is required");
    return out;
  }
  out.status = InvalidTokenError();
  if (refresh_token.size() > 256) return out;
  const std::string hash = SecretHash(refresh_token);
  std::string session_id, account_id;
  bool live = false;
  {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("SELECT s.id, s.account_id, s.refresh_expire_time, "
                     "s.revoked, a.disabled FROM sessions s "
                     "JOIN accounts a ON a.id = s.account_id "
                     "WHERE s.refresh_hash = ?"));
    s.Bind(1, hash);
    PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
    if (found) {
      session_id = s.ColumnText(0);
      account_id = s.ColumnText(1);
      live = s.ColumnInt64(2) > absl::ToUnixMicros(now) &&
             s.ColumnInt64(3) == 0 && s.ColumnInt64(4) == 0;
    }
  }
  if (!session_id.empty()) {
    if (!live) return out;
    IssuedSession next = NewTokens(session_id, now);
    PUMPURS_RETURN_IF_ERROR(Rotate(conn, next, hash));
    out.status = absl::OkStatus();
    out.session = std::move(next);
    out.account_id = account_id;
    return out;
  }
  // Not a live refresh token; if it is a spent one, someone replays it:
  // the session cannot tell the thief from the owner, so it ends for both.
  std::string stolen_session;
  {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("SELECT session_id FROM spent_refresh_tokens "
                     "WHERE refresh_hash = ?"));
    s.Bind(1, hash);
    PUMPURS_ASSIGN_OR_RETURN(bool spent, s.Step());
    if (spent) stolen_session = s.ColumnText(0);
  }
  if (!stolen_session.empty()) {
    PUMPURS_RETURN_IF_ERROR(RevokeSession(conn, stolen_session));
  }
  return out;
}

absl::Status RevokeSession(storage::Connection& conn,
                           absl::string_view session_id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE sessions SET revoked = 1 WHERE id = ?"));
  s.Bind(1, session_id);
  return s.Run();
}

absl::Status RevokeAccountSessions(storage::Connection& conn,
                                   absl::string_view account_id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE sessions SET revoked = 1 WHERE account_id = ? "
                   "AND revoked = 0"));
  s.Bind(1, account_id);
  return s.Run();
}

}  // namespace pumpurs::auth
