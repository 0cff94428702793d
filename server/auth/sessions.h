#ifndef PUMPURS_SERVER_AUTH_SESSIONS_H_
#define PUMPURS_SERVER_AUTH_SESSIONS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/storage/connection.h"

namespace pumpurs::auth {

// Access tokens are short-lived so a leaked one is worth little; refresh
// tokens let a phone stay signed in for a month and rotate on each use.
inline constexpr absl::Duration kAccessTokenLifetime = absl::Minutes(15);
inline constexpr absl::Duration kRefreshTokenLifetime = absl::Hours(24 * 30);

struct IssuedSession {
  std::string session_id;
  std::string access_token;   // secret: returned once, stored hashed
  std::string refresh_token;  // secret: returned once, stored hashed
  absl::Time access_expire_time;
  absl::Time refresh_expire_time;
};

// Starts a session for `account_id` (inside the caller's write transaction).
absl::StatusOr<IssuedSession> IssueSession(storage::Connection& conn,
                                           absl::string_view account_id,
                                           absl::Time now);

// UNAUTHENTICATED, reason INVALID_TOKEN: the one answer for an unknown,
// expired, revoked, spent or malformed token, so forging reveals nothing.
absl::Status InvalidTokenError();

// What a refresh did. `status` is the caller's answer; it may be a refusal
// even though the transaction must commit (a reused refresh token revokes
// its session), which is why it is not the StatusOr's own status.
struct RefreshOutcome {
  absl::Status status;
  IssuedSession session;  // when status is OK
  std::string account_id;
};

// Rotates the session of `refresh_token` (inside the caller's write
// transaction): new access and refresh tokens, the old refresh token
// recorded as spent. A spent refresh token presented again revokes the whole
// session (someone holds a copy). Unknown, expired or revoked tokens, and
// sessions of disabled accounts, are InvalidTokenError().
absl::StatusOr<RefreshOutcome> RefreshSession(storage::Connection& conn,
                                              absl::string_view refresh_token,
                                              absl::Time now);

// Revokes one session: its access and refresh tokens stop working.
absl::Status RevokeSession(storage::Connection& conn,
                           absl::string_view session_id);

// Revokes every session of an account (password reset).
absl::Status RevokeAccountSessions(storage::Connection& conn,
                                   absl::string_view account_id);

}  // namespace pumpurs::auth

#endif  // PUMPURS_SERVER_AUTH_SESSIONS_H_
