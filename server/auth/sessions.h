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

}  // namespace pumpurs::auth

#endif  // PUMPURS_SERVER_AUTH_SESSIONS_H_
