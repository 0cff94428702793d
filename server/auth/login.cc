#include "server/auth/login.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/auth/secrets.h"
#include "server/common/error.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"

namespace pumpurs::auth {
namespace {

// What an unknown username is checked against, so that it costs the same
// argon2id work as a wrong password. Made once, of a random secret.
const std::string& DummyHash() {
  static const std::string* hash = [] {
    absl::StatusOr<std::string> h = HashPassword(NewSecret("dummy_"));
    return new std::string(h.ok() ? *h : "");
  }();
  return *hash;
}

// failed_logins, last_failed_time, locked_until from column `first` on.
LoginState StateAt(storage::Statement& s, int first) {
  LoginState state;
  state.failed_logins = s.ColumnInt64(first);
  state.last_failed_time = absl::FromUnixMicros(s.ColumnInt64(first + 1));
  state.locked_until = absl::FromUnixMicros(s.ColumnInt64(first + 2));
  return state;
}

struct AccountRow {
  std::string id;
  std::string password_hash;  // empty: cannot sign in with a password
  LoginState state;
};

// Accounts that may sign in with a password: users, not disabled.
constexpr char kByUsername[] =
    "SELECT id, password_hash, failed_logins, last_failed_time, locked_until "
    "FROM accounts WHERE username = ? AND kind = 1 AND disabled = 0";
constexpr char kById[] =
    "SELECT id, password_hash, failed_logins, last_failed_time, locked_until "
    "FROM accounts WHERE id = ? AND kind = 1 AND disabled = 0";

// The account's row; an empty id if there is none that signs in.
absl::StatusOr<AccountRow> FindRow(storage::Connection& conn, const char* sql,
                                   absl::string_view value) {
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement s, conn.Prepare(sql));
  s.Bind(1, value);
  AccountRow row;
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found || s.ColumnIsNull(1)) return row;
  row.id = s.ColumnText(0);
  row.password_hash = s.ColumnText(1);
  row.state = StateAt(s, 2);
  return row;
}

// The throttling state of a username no account signs in with; all zero if
// it has no failures on record.
absl::StatusOr<LoginState> FindUnknownState(storage::Connection& conn,
                                            absl::string_view username) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT failed_logins, last_failed_time, locked_until "
                   "FROM login_failures WHERE username = ?"));
  s.Bind(1, username);
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return LoginState();
  return StateAt(s, 0);
}

// Whole seconds, rounded up, for messages.
int64_t CeilSeconds(absl::Duration d) {
  return absl::ToInt64Seconds(absl::Ceil(d, absl::Seconds(1)));
}

absl::Status Refused(absl::string_view reason, absl::string_view what,
                     absl::Duration wait) {
  return WithRetryDelay(
      Error(absl::StatusCode::kResourceExhausted, reason,
            absl::StrCat(what, "; try again in ", CeilSeconds(wait), " s")),
      wait);
}

absl::Status Store(storage::Connection& conn, absl::string_view account_id,
                   const LoginState& state, bool bump_version, absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE accounts SET failed_logins = ?, "
                   "last_failed_time = ?, locked_until = ?, "
                   "version = version + ?, update_time = ? WHERE id = ?"));
  s.Bind(1, state.failed_logins)
      .Bind(2, absl::ToUnixMicros(state.last_failed_time))
      .Bind(3, absl::ToUnixMicros(state.locked_until))
      .Bind(4, int64_t{bump_version ? 1 : 0})
      .Bind(5, absl::ToUnixMicros(now))
      .Bind(6, account_id);
  return s.Run();
}

// Records a failure of an unknown username and deletes the rows of those
// whose failures no longer count (CountedFailures would give 0 and no lock
// is left), which bounds the table by the failures of one memory span.
absl::Status StoreUnknown(storage::Connection& conn, absl::string_view username,
                          const LoginState& state, absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement forget,
      conn.Prepare("DELETE FROM login_failures WHERE last_failed_time <= ?"));
  forget.Bind(1, absl::ToUnixMicros(now - kLoginFailureMemory));
  PUMPURS_RETURN_IF_ERROR(forget.Run());
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO login_failures (username, failed_logins, "
                   "last_failed_time, locked_until) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT (username) DO UPDATE SET "
                   "failed_logins = excluded.failed_logins, "
                   "last_failed_time = excluded.last_failed_time, "
                   "locked_until = excluded.locked_until"));
  s.Bind(1, username)
      .Bind(2, state.failed_logins)
      .Bind(3, absl::ToUnixMicros(state.last_failed_time))
      .Bind(4, absl::ToUnixMicros(state.locked_until));
  return s.Run();
}

// The state after a failure at `now`, which CheckLoginAllowed allowed.
LoginState AfterFailure(const LoginState& state, absl::Time now) {
  LoginState next;
  next.failed_logins = CountedFailures(state, now) + 1;
  next.last_failed_time = now;
  if (next.failed_logins >= kLockoutFailures) {
    next.locked_until = now + kLockoutDuration;
  }
  return next;
}

}  // namespace

int64_t CountedFailures(const LoginState& state, absl::Time now) {
  if (state.locked_until != absl::UnixEpoch() && state.locked_until <= now) {
    return 0;
  }
  if (now - state.last_failed_time >= kLoginFailureMemory) return 0;
  return state.failed_logins;
}

absl::Duration DelayAfterFailures(int64_t failures) {
  if (failures < kFreeLoginFailures) return absl::ZeroDuration();
  const int64_t doublings =
      std::min<int64_t>(failures - kFreeLoginFailures, 30);
  return kFirstLoginDelay * (int64_t{1} << doublings);
}

absl::Status CheckLoginAllowed(const LoginState& state, absl::Time now) {
  if (state.locked_until > now) {
    return Refused("ACCOUNT_LOCKED",
                   "the account is locked after repeated failed sign-ins (an "
                   "administrator can unlock it by resetting the password)",
                   state.locked_until - now);
  }
  const absl::Time next_allowed =
      state.last_failed_time + DelayAfterFailures(CountedFailures(state, now));
  if (next_allowed > now) {
    return Refused("LOGIN_THROTTLED", "too many failed sign-ins",
                   next_allowed - now);
  }
  return absl::OkStatus();
}

absl::Status InvalidCredentialsError() {
  return Error(absl::StatusCode::kUnauthenticated, "INVALID_CREDENTIALS",
               "wrong username or password");
}

absl::Status ValidateLoginRequest(absl::string_view username,
                                  absl::string_view password) {
  Violations v;
  if (username.empty()) {
    v.Add("username", "is required");
  } else if (username.size() > kMaxUsernameChars) {
    v.Add("username", "must be at most 64 characters");
  }
  const int64_t chars = Utf8Length(password);
  if (password.empty()) {
    v.Add("password", "is required");
  } else if (chars < 0 || chars > kMaxPasswordChars) {
    v.Add("password", "must be 1 to 256 characters of UTF-8");
  }
  return v.ToStatus();
}

absl::StatusOr<LoginCheck> CheckPassword(storage::Connection& conn,
                                         absl::string_view username,
                                         absl::string_view password,
                                         absl::Time now) {
  const std::string folded = absl::AsciiStrToLower(username);
  PUMPURS_ASSIGN_OR_RETURN(AccountRow row, FindRow(conn, kByUsername, folded));
  LoginCheck check;
  if (row.id.empty()) {
    // Throttled like an account, so that throttling does not tell them apart.
    check.username = folded;
    PUMPURS_ASSIGN_OR_RETURN(LoginState state,
                             FindUnknownState(conn, check.username));
    check.refusal = CheckLoginAllowed(state, now);
    if (!check.refusal.ok()) return check;
    (void)VerifyPassword(password, DummyHash());
    return check;
  }
  check.account_id = row.id;
  check.refusal = CheckLoginAllowed(row.state, now);
  if (!check.refusal.ok()) return check;
  check.password_hash = row.password_hash;
  check.password_ok = VerifyPassword(password, row.password_hash);
  return check;
}

absl::StatusOr<LoginOutcome> RecordLogin(storage::Connection& conn,
                                         const LoginCheck& check,
                                         absl::Time now) {
  LoginOutcome out;
  out.status = InvalidCredentialsError();
  if (!check.refusal.ok()) {
    out.status = check.refusal;
    return out;
  }
  if (check.account_id.empty()) {
    // An unknown username always fails; count it as an account's would be.
    PUMPURS_ASSIGN_OR_RETURN(LoginState state,
                             FindUnknownState(conn, check.username));
    if (absl::Status allowed = CheckLoginAllowed(state, now); !allowed.ok()) {
      out.status = allowed;
      return out;
    }
    PUMPURS_RETURN_IF_ERROR(
        StoreUnknown(conn, check.username, AfterFailure(state, now), now));
    return out;
  }
  PUMPURS_ASSIGN_OR_RETURN(AccountRow row,
                           FindRow(conn, kById, check.account_id));
  // Gone, disabled or given a new password since the check: the check
  // proves nothing about the account as it is now.
  if (row.id.empty() || row.password_hash != check.password_hash) return out;
  // Concurrent attempts all pass the read step; only those the state still
  // allows now count, the others are refused uncounted.
  if (absl::Status allowed = CheckLoginAllowed(row.state, now); !allowed.ok()) {
    out.status = allowed;
    return out;
  }
  const bool was_locked = row.state.locked_until != absl::UnixEpoch();
  if (!check.password_ok) {
    const LoginState next = AfterFailure(row.state, now);
    const bool lock_changed =
        was_locked || next.locked_until != absl::UnixEpoch();
    PUMPURS_RETURN_IF_ERROR(Store(conn, row.id, next, lock_changed, now));
    return out;
  }
  if (row.state.failed_logins != 0 || was_locked) {
    PUMPURS_RETURN_IF_ERROR(Store(conn, row.id, LoginState(), was_locked, now));
  }
  PUMPURS_ASSIGN_OR_RETURN(out.session, IssueSession(conn, row.id, now));
  PUMPURS_ASSIGN_OR_RETURN(out.account, GetAccountRecord(conn, row.id));
  out.status = absl::OkStatus();
  return out;
}

}  // namespace pumpurs::auth
