#ifndef PUMPURS_SERVER_AUTH_LOGIN_H_
#define PUMPURS_SERVER_AUTH_LOGIN_H_

// Sign-in with username and password, in two steps so that the slow
// argon2id check runs on a reader thread and only the short bookkeeping on
// the single writer:
//   CheckPassword (read transaction)  → LoginCheck
//   RecordLogin   (write transaction) → LoginOutcome (session or refusal)
// A wrong username and a wrong password get the same answer after the same
// work (an unknown username is checked against a dummy hash).
//
// Throttling, per account, from accounts.failed_logins / last_failed_time /
// locked_until: the first kFreeLoginFailures consecutive failures cost
// nothing; after that each attempt must wait kFirstLoginDelay, doubling per
// further failure (1 s, 2 s, 4 s, ...), counted from the last failure, and
// is refused with RESOURCE_EXHAUSTED (LOGIN_THROTTLED) before the password
// is even checked. The kLockoutFailures-th failure locks the account for
// kLockoutDuration (ACCOUNT_LOCKED); when the lock runs out the count starts
// over. Failures are forgotten kLoginFailureMemory after the last one.
// Success, and a password reset, clear it all. Nothing sleeps: the caller is
// told how long to wait (RetryDelayOf).
//
// A username no account signs in with (unknown, a service account, a
// disabled account) is throttled on exactly the same schedule, its state
// kept in the login_failures table, so the answers do not reveal whether it
// exists. Its rows are made only by failures and deleted once forgotten.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/auth/accounts.h"
#include "server/auth/sessions.h"
#include "server/storage/connection.h"

namespace pumpurs::auth {

inline constexpr int kFreeLoginFailures = 3;
inline constexpr absl::Duration kFirstLoginDelay = absl::Seconds(1);
inline constexpr int kLockoutFailures = 10;
inline constexpr absl::Duration kLockoutDuration = absl::Minutes(15);
// Longer than any delay or lock above, so forgetting never shortens one.
inline constexpr absl::Duration kLoginFailureMemory = absl::Hours(24);

// The throttling state of one account or unknown username.
struct LoginState {
  int64_t failed_logins = 0;
  absl::Time last_failed_time = absl::UnixEpoch();
  absl::Time locked_until = absl::UnixEpoch();
};

// The failures that still count at `now` (a lock that ran out clears them,
// and so does kLoginFailureMemory without a failure).
int64_t CountedFailures(const LoginState& state, absl::Time now);

// How long after the last of `failures` consecutive failures the next
// attempt must wait: zero for fewer than kFreeLoginFailures, then
// kFirstLoginDelay doubling per failure.
absl::Duration DelayAfterFailures(int64_t failures);

// OK if an attempt may be made at `now`; otherwise RESOURCE_EXHAUSTED with
// reason LOGIN_THROTTLED or ACCOUNT_LOCKED and the time left as retry delay.
absl::Status CheckLoginAllowed(const LoginState& state, absl::Time now);

// UNAUTHENTICATED, reason INVALID_CREDENTIALS: the answer to a wrong username
// and to a wrong password alike.
absl::Status InvalidCredentialsError();

// INVALID_ARGUMENT naming each empty or oversized field of a LoginRequest.
absl::Status ValidateLoginRequest(absl::string_view username,
                                  absl::string_view password);

// The outcome of the read step.
struct LoginCheck {
  std::string account_id;     // empty: no account signs in with this name
  std::string username;       // folded; set when account_id is empty
  std::string password_hash;  // the hash that was checked
  bool password_ok = false;
  absl::Status refusal;  // throttled or locked: the password was not checked
};

// Looks the username up and verifies the password (argon2id, slow) unless
// the account is throttled. Reads only.
absl::StatusOr<LoginCheck> CheckPassword(storage::Connection& conn,
                                         absl::string_view username,
                                         absl::string_view password,
                                         absl::Time now);

// The caller's answer and what it gets. `status` may be a refusal although
// the transaction must commit (a failure is counted), which is why it is not
// the StatusOr's own status.
struct LoginOutcome {
  absl::Status status;
  IssuedSession session;  // when status is OK
  AccountRecord account;  // when status is OK
};

// The write step: re-reads the throttling state (another attempt may have
// failed meanwhile), then counts the failure or clears the count and starts
// a session. For an unknown username it counts the failure in
// login_failures and deletes the rows that no longer count.
absl::StatusOr<LoginOutcome> RecordLogin(storage::Connection& conn,
                                         const LoginCheck& check,
                                         absl::Time now);

}  // namespace pumpurs::auth

#endif  // PUMPURS_SERVER_AUTH_LOGIN_H_
