// Sign-in: the same answer for a wrong username and a wrong password,
// throttling that doubles per failure, lockout, and what clears them. Time
// is injected, so nothing here sleeps.

#include "server/auth/login.h"

#include "absl/time/clock.h"
#include "server/auth/account_admin.h"
#include "server/common/error.h"
#include "tests/auth/auth_fixture.h"

namespace pumpurs::auth {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;

constexpr char kPassword[] = "pareizā parole 1";

class LoginTest : public AuthTest {
 protected:
  void SetUp() override {
    AuthTest::SetUp();
    anna_ = MakeAccount("anna", kPassword);
  }

  // One sign-in as the RPC layer runs it: the check in a read snapshot,
  // then (unless throttled) the bookkeeping in a write. The answer.
  absl::Status Attempt(const std::string& username, const std::string& password,
                       absl::Time now) {
    absl::StatusOr<LoginOutcome> outcome =
        AttemptOutcome(username, password, now);
    return outcome.ok() ? outcome->status : outcome.status();
  }
  absl::StatusOr<LoginOutcome> AttemptOutcome(const std::string& username,
                                              const std::string& password,
                                              absl::Time now) {
    absl::StatusOr<LoginCheck> check = Check(username, password, now);
    if (!check.ok()) return check.status();
    if (!check->refusal.ok()) return LoginOutcome{check->refusal, {}, {}};
    return Record(*check, now);
  }
  absl::StatusOr<LoginCheck> Check(const std::string& username,
                                   const std::string& password,
                                   absl::Time now) {
    return Read<LoginCheck>([&](storage::Connection& c) {
      return CheckPassword(c, username, password, now);
    });
  }
  absl::StatusOr<LoginOutcome> Record(const LoginCheck& check, absl::Time now) {
    return Write<LoginOutcome>(
        [&](storage::Connection& c) { return RecordLogin(c, check, now); });
  }
  // What each attempt is answered, one attempt at each of `times`: the
  // code, reason and retry delay, then the whole status (message included).
  std::vector<std::string> Answers(const std::string& username,
                                   const std::string& password,
                                   const std::vector<absl::Time>& times,
                                   std::vector<absl::Status>* statuses) {
    std::vector<std::string> answers;
    for (absl::Time t : times) {
      absl::Status status = Attempt(username, password, t);
      answers.push_back(absl::StrCat(
          absl::StatusCodeToString(status.code()), " ", ReasonOf(status), " ",
          absl::FormatDuration(RetryDelayOf(status))));
      statuses->push_back(status);
    }
    return answers;
  }
  int64_t FailedLogins() {
    return QueryInt(absl::StrCat(
        "SELECT failed_logins FROM accounts WHERE id = '", anna_.id, "'"));
  }

  AccountRecord anna_;
  const absl::Time t0_ = absl::FromUnixSeconds(1800000000);
};

TEST(LoginScheduleTest, DelayDoublesAfterTheFreeFailures) {
  EXPECT_EQ(DelayAfterFailures(0), absl::ZeroDuration());
  EXPECT_EQ(DelayAfterFailures(2), absl::ZeroDuration());
  EXPECT_EQ(DelayAfterFailures(3), absl::Seconds(1));
  EXPECT_EQ(DelayAfterFailures(4), absl::Seconds(2));
  EXPECT_EQ(DelayAfterFailures(5), absl::Seconds(4));
  EXPECT_EQ(DelayAfterFailures(9), absl::Seconds(64));
  EXPECT_GT(DelayAfterFailures(1000), absl::Hours(24));  // no overflow
}

TEST(LoginScheduleTest, LockRunsOutAndForgetsTheFailures) {
  const absl::Time t = absl::FromUnixSeconds(1800000000);
  LoginState locked{kLockoutFailures, t, t + kLockoutDuration};
  EXPECT_THAT(CheckLoginAllowed(locked, t + absl::Minutes(14)),
              HasReason("ACCOUNT_LOCKED"));
  EXPECT_EQ(RetryDelayOf(CheckLoginAllowed(locked, t + absl::Minutes(14))),
            absl::Minutes(1));
  EXPECT_THAT(CheckLoginAllowed(locked, t + kLockoutDuration), IsOk());
  EXPECT_EQ(CountedFailures(locked, t + kLockoutDuration), 0);
  EXPECT_EQ(CountedFailures(locked, t), kLockoutFailures);
}

TEST_F(LoginTest, RightPasswordStartsASession) {
  absl::StatusOr<LoginOutcome> out = AttemptOutcome("anna", kPassword, t0_);
  ASSERT_THAT(out, IsOk());
  ASSERT_THAT(out->status, IsOk());
  EXPECT_EQ(out->account.id, anna_.id);
  EXPECT_EQ(out->account.username, "anna");
  EXPECT_THAT(out->session.access_token, ::testing::StartsWith("pat_"));
  EXPECT_THAT(out->session.refresh_token, ::testing::StartsWith("prt_"));
  EXPECT_EQ(out->session.access_expire_time, t0_ + kAccessTokenLifetime);
  absl::StatusOr<CallContext> call =
      AuthenticateToken(out->session.access_token, t0_ + absl::Minutes(1));
  ASSERT_THAT(call, IsOk());
  EXPECT_EQ(call->principal.account_id, anna_.id);
  EXPECT_EQ(call->principal.session_id, out->session.session_id);
  // Usernames are lowercase; what the user types is folded.
  EXPECT_THAT(Attempt("Anna", kPassword, t0_), IsOk());
}

TEST_F(LoginTest, WrongUsernameAndWrongPasswordLookTheSame) {
  absl::Status wrong_password = Attempt("anna", "nepareizā parole", t0_);
  absl::Status wrong_user = Attempt("nav-tads", kPassword, t0_);
  EXPECT_THAT(wrong_password, StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(wrong_password, HasReason("INVALID_CREDENTIALS"));
  EXPECT_EQ(wrong_password, wrong_user);
  // A service account never signs in with a password.
  MakeAccount("integracija", "");
  EXPECT_EQ(Attempt("integracija", kPassword, t0_), wrong_password);
}

TEST_F(LoginTest, UnknownUsernameCostsAsMuchAsAWrongPassword) {
  (void)Check("nav-tads", "x", t0_);  // the dummy hash is made once
  absl::Duration known, unknown;
  for (int i = 0; i < 3; ++i) {
    absl::Time start = absl::Now();
    ASSERT_THAT(Check("anna", "nepareizi", t0_), IsOk());
    known += absl::Now() - start;
    start = absl::Now();
    ASSERT_THAT(Check("nav-tads", "nepareizi", t0_), IsOk());
    unknown += absl::Now() - start;
  }
  // argon2id dominates both; without the dummy check the unknown name
  // would answer orders of magnitude faster.
  EXPECT_GT(unknown, known / 3) << known << " vs " << unknown;
  EXPECT_GT(known, unknown / 3) << known << " vs " << unknown;
}

TEST_F(LoginTest, FailuresAreThrottledWithADoublingDelay) {
  for (int i = 0; i < kFreeLoginFailures; ++i) {
    EXPECT_THAT(Attempt("anna", "nepareizi", t0_),
                HasReason("INVALID_CREDENTIALS"));
  }
  // The fourth attempt comes too soon: refused before the password is even
  // checked, with the time to wait; the right password does not help.
  absl::Status refused = Attempt("anna", kPassword, t0_);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(refused, HasReason("LOGIN_THROTTLED"));
  EXPECT_EQ(RetryDelayOf(refused), absl::Seconds(1));
  EXPECT_EQ(FailedLogins(), 3);  // refusals are not counted

  absl::Time t = t0_;
  absl::Duration delay = absl::Seconds(1);
  for (int failures = 3; failures < kLockoutFailures - 1; ++failures) {
    EXPECT_THAT(Attempt("anna", "nepareizi", t + delay - absl::Milliseconds(1)),
                HasReason("LOGIN_THROTTLED"))
        << failures;
    t += delay;
    EXPECT_THAT(Attempt("anna", "nepareizi", t),
                HasReason("INVALID_CREDENTIALS"))
        << failures;
    delay *= 2;
    EXPECT_EQ(RetryDelayOf(Attempt("anna", "nepareizi", t)), delay);
  }
  EXPECT_EQ(FailedLogins(), kLockoutFailures - 1);
}

TEST_F(LoginTest, TenthFailureLocksTheAccountForAWhile) {
  absl::Time t = t0_;
  for (int i = 0; i < kLockoutFailures; ++i) {
    t += DelayAfterFailures(i);
    ASSERT_THAT(Attempt("anna", "nepareizi", t),
                HasReason("INVALID_CREDENTIALS"))
        << i;
  }
  absl::Status locked = Attempt("anna", kPassword, t + absl::Minutes(5));
  EXPECT_THAT(locked, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(locked, HasReason("ACCOUNT_LOCKED"));
  EXPECT_EQ(RetryDelayOf(locked), absl::Minutes(10));
  absl::StatusOr<AccountRecord> account = Read<AccountRecord>(
      [&](storage::Connection& c) { return GetAccountRecord(c, anna_.id); });
  ASSERT_THAT(account, IsOk());
  EXPECT_EQ(account->locked_until, t + kLockoutDuration);

  // When the lock runs out the right password works and clears everything;
  // the next failures are free again.
  EXPECT_THAT(Attempt("anna", kPassword, t + kLockoutDuration), IsOk());
  EXPECT_EQ(FailedLogins(), 0);
  const absl::Time later = t + kLockoutDuration + absl::Seconds(1);
  for (int i = 0; i < kFreeLoginFailures; ++i) {
    EXPECT_THAT(Attempt("anna", "nepareizi", later),
                HasReason("INVALID_CREDENTIALS"));
  }
}

TEST_F(LoginTest, SuccessResetsTheCount) {
  EXPECT_THAT(Attempt("anna", "nepareizi", t0_),
              HasReason("INVALID_CREDENTIALS"));
  EXPECT_THAT(Attempt("anna", "nepareizi", t0_),
              HasReason("INVALID_CREDENTIALS"));
  EXPECT_THAT(Attempt("anna", kPassword, t0_), IsOk());
  EXPECT_EQ(FailedLogins(), 0);
  for (int i = 0; i < kFreeLoginFailures; ++i) {
    EXPECT_THAT(Attempt("anna", "nepareizi", t0_),
                HasReason("INVALID_CREDENTIALS"));
  }
  EXPECT_THAT(Attempt("anna", kPassword, t0_), HasReason("LOGIN_THROTTLED"));
}

TEST_F(LoginTest, ConcurrentGuessesCountOnlyWhileAllowed) {
  // Ten guesses all pass the read step before any is recorded (parallel
  // readers); the write step re-reads the state, so only the free ones are
  // counted and the rest are refused unanswered, even a right one.
  std::vector<LoginCheck> checks;
  for (int i = 0; i < 10; ++i) {
    absl::StatusOr<LoginCheck> c =
        Check("anna", i == 9 ? kPassword : "nepareizi", t0_);
    ASSERT_THAT(c, IsOk());
    checks.push_back(*c);
  }
  for (int i = 0; i < 10; ++i) {
    absl::StatusOr<LoginOutcome> out = Record(checks[i], t0_);
    ASSERT_THAT(out, IsOk());
    EXPECT_THAT(out->status,
                HasReason(i < kFreeLoginFailures ? "INVALID_CREDENTIALS"
                                                 : "LOGIN_THROTTLED"))
        << i;
  }
  EXPECT_EQ(FailedLogins(), kFreeLoginFailures);
}

TEST_F(LoginTest, ACheckMadeBeforeAPasswordResetProvesNothing) {
  absl::StatusOr<LoginCheck> stale = Check("anna", kPassword, t0_);
  ASSERT_THAT(stale, IsOk());
  ASSERT_TRUE(stale->password_ok);
  AccountRecord admin = MakeAccount("admin", "admin-parole-1",
                                    {{Role::kNationalAdministrator, ""}});
  ASSERT_THAT(Write<AccountRecord>([&](storage::Connection& c) {
                return ResetPassword(c, CallBy(admin), anna_.id,
                                     "jauna parole 2026", "", t0_);
              }),
              IsOk());
  absl::StatusOr<LoginOutcome> out = Record(*stale, t0_);
  ASSERT_THAT(out, IsOk());
  EXPECT_THAT(out->status, HasReason("INVALID_CREDENTIALS"));
}

TEST_F(LoginTest, PasswordResetUnlocks) {
  absl::Time t = t0_;
  for (int i = 0; i < kLockoutFailures; ++i) {
    t += DelayAfterFailures(i);
    ASSERT_THAT(Attempt("anna", "nepareizi", t),
                HasReason("INVALID_CREDENTIALS"));
  }
  ASSERT_THAT(Attempt("anna", kPassword, t), HasReason("ACCOUNT_LOCKED"));
  AccountRecord admin = MakeAccount("admin", "admin-parole-1",
                                    {{Role::kNationalAdministrator, ""}});
  absl::StatusOr<AccountRecord> reset =
      Write<AccountRecord>([&](storage::Connection& c) {
        return ResetPassword(c, CallBy(admin), anna_.id, "jauna parole 2026",
                             "", t);
      });
  ASSERT_THAT(reset, IsOk());
  EXPECT_EQ(reset->locked_until, absl::UnixEpoch());
  EXPECT_GT(reset->version, anna_.version);
  EXPECT_THAT(Attempt("anna", kPassword, t), HasReason("INVALID_CREDENTIALS"));
  EXPECT_THAT(Attempt("anna", "jauna parole 2026", t), IsOk());
}

TEST_F(LoginTest, UnknownUsernamesAreThrottledLikeAccounts) {
  // Three free failures, one too soon, six more each as soon as allowed
  // (the tenth locks), then one while locked.
  std::vector<absl::Time> times;
  for (int s : {0, 0, 0, 0, 1, 3, 7, 15, 31, 63, 127, 200}) {
    times.push_back(t0_ + absl::Seconds(s));
  }
  std::vector<absl::Status> known, unknown;
  std::vector<std::string> known_answers =
      Answers("anna", "nepareizi", times, &known);
  std::vector<std::string> unknown_answers =
      Answers("nav-tads", "nepareizi", times, &unknown);
  EXPECT_EQ(unknown_answers, known_answers);
  EXPECT_EQ(unknown, known);
  // The sequence is the one the schedule promises.
  const std::string invalid = "UNAUTHENTICATED INVALID_CREDENTIALS 0";
  EXPECT_EQ(
      known_answers,
      (std::vector<std::string>{
          invalid, invalid, invalid, "RESOURCE_EXHAUSTED LOGIN_THROTTLED 1s",
          invalid, invalid, invalid, invalid, invalid, invalid, invalid,
          "RESOURCE_EXHAUSTED ACCOUNT_LOCKED 13m47s"}));
  // Usernames are folded the same way as for accounts.
  EXPECT_EQ(Attempt("NAV-TADS", "nepareizi", times.back()), unknown.back());
  EXPECT_EQ(QueryInt("SELECT failed_logins FROM login_failures "
                     "WHERE username = 'nav-tads'"),
            kLockoutFailures);
}

TEST_F(LoginTest, UnknownUsernameFailuresAreForgottenLikeAccounts) {
  // Five failures, a day of quiet, then failures again: both forget the
  // first five, and the unknown username's row is deleted meanwhile.
  const absl::Time later = t0_ + kLoginFailureMemory;
  std::vector<absl::Time> times;
  for (int s : {0, 0, 0, 1, 3}) times.push_back(t0_ + absl::Seconds(s));
  for (int s : {3, 3, 3, 3, 4}) times.push_back(later + absl::Seconds(s));
  std::vector<absl::Status> known, unknown;
  std::vector<std::string> known_answers =
      Answers("anna", "nepareizi", times, &known);
  EXPECT_EQ(Attempt("nav-tads", "nepareizi", t0_),
            InvalidCredentialsError());  // a row that a later write deletes
  std::vector<std::string> unknown_answers =
      Answers("cits-nav", "nepareizi", times, &unknown);
  EXPECT_EQ(unknown_answers, known_answers);
  EXPECT_EQ(unknown, known);
  EXPECT_THAT(known[8], HasReason("LOGIN_THROTTLED"));
  EXPECT_THAT(known[9], HasReason("INVALID_CREDENTIALS"));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM login_failures"), 1);
  EXPECT_EQ(QueryInt("SELECT failed_logins FROM login_failures"), 4);
}

TEST_F(LoginTest, RequestIsValidatedFieldByField) {
  EXPECT_THAT(ValidateLoginRequest("", ""),
              ::pumpurs::testing::ViolatesFields(
                  std::vector<std::string>{"username", "password"}));
  EXPECT_THAT(
      ValidateLoginRequest("anna", std::string(257, 'x')),
      ::pumpurs::testing::ViolatesFields(std::vector<std::string>{"password"}));
  EXPECT_THAT(ValidateLoginRequest("anna", std::string(256, 'x')), IsOk());
  EXPECT_THAT(ValidateLoginRequest(std::string(65, 'a'), "x"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace pumpurs::auth
