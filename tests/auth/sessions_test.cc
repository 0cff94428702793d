// Sessions: access tokens expire, refresh tokens rotate and work once, a
// replayed refresh token ends the session, revoked and forged tokens are
// refused — each with the same UNAUTHENTICATED answer.

#include "server/auth/sessions.h"

#include "tests/auth/auth_fixture.h"

namespace pumpurs::auth {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;

class SessionsTest : public AuthTest {
 protected:
  void SetUp() override {
    AuthTest::SetUp();
    account_ = MakeAccount("anna", "pareizā parole 1");
    absl::StatusOr<IssuedSession> s =
        Write<IssuedSession>([&](storage::Connection& c) {
          return IssueSession(c, account_.id, t0_);
        });
    ASSERT_THAT(s, IsOk());
    session_ = *s;
  }
  absl::StatusOr<RefreshOutcome> Refresh(const std::string& token,
                                         absl::Time now) {
    return Write<RefreshOutcome>(
        [&](storage::Connection& c) { return RefreshSession(c, token, now); });
  }
  absl::Status RefreshStatus(const std::string& token, absl::Time now) {
    absl::StatusOr<RefreshOutcome> out = Refresh(token, now);
    return out.ok() ? out->status : out.status();
  }

  AccountRecord account_;
  IssuedSession session_;
  const absl::Time t0_ = absl::FromUnixSeconds(1800000000);
};

TEST_F(SessionsTest, AccessTokenWorksUntilItExpires) {
  absl::StatusOr<CallContext> call =
      AuthenticateToken(session_.access_token, t0_ + absl::Minutes(14));
  ASSERT_THAT(call, IsOk());
  EXPECT_EQ(call->principal.account_id, account_.id);
  EXPECT_EQ(call->caller_id, "accounts/" + account_.id);
  absl::StatusOr<CallContext> expired =
      AuthenticateToken(session_.access_token, t0_ + kAccessTokenLifetime);
  EXPECT_THAT(expired, StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(expired, HasReason("INVALID_TOKEN"));
}

TEST_F(SessionsTest, ForgedTokensAreRefusedAlike) {
  const absl::Status invalid = InvalidTokenError();
  for (const std::string& forged :
       {std::string("pat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        session_.access_token + "x", session_.refresh_token,
        std::string("malformed"), std::string(300, 'a')}) {
    EXPECT_EQ(AuthenticateToken(forged, t0_).status(), invalid) << forged;
  }
  // No token at all is not an error here: the caller stays anonymous and
  // the policy refuses what needs an account.
  absl::StatusOr<CallContext> anonymous = AuthenticateToken("", t0_);
  ASSERT_THAT(anonymous, IsOk());
  EXPECT_FALSE(anonymous->principal.authenticated());
}

TEST_F(SessionsTest, RefreshRotatesAndWorksExactlyOnce) {
  absl::StatusOr<RefreshOutcome> first =
      Refresh(session_.refresh_token, t0_ + absl::Minutes(20));
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(first->status, IsOk());
  const IssuedSession& next = first->session;
  EXPECT_EQ(next.session_id, session_.session_id);
  EXPECT_EQ(first->account_id, account_.id);
  EXPECT_NE(next.access_token, session_.access_token);
  EXPECT_NE(next.refresh_token, session_.refresh_token);
  EXPECT_EQ(next.access_expire_time,
            t0_ + absl::Minutes(20) + kAccessTokenLifetime);
  // The new access token works; the old one (even unexpired) does not.
  EXPECT_THAT(AuthenticateToken(next.access_token, t0_ + absl::Minutes(21)),
              IsOk());
  EXPECT_THAT(AuthenticateToken(session_.access_token, t0_ + absl::Minutes(1)),
              HasReason("INVALID_TOKEN"));
  // The old refresh token is spent; the new one rotates again.
  EXPECT_EQ(QueryInt("SELECT count(*) FROM spent_refresh_tokens"), 1);
  absl::StatusOr<RefreshOutcome> second =
      Refresh(next.refresh_token, t0_ + absl::Minutes(40));
  ASSERT_THAT(second, IsOk());
  EXPECT_THAT(second->status, IsOk());
}

TEST_F(SessionsTest, ReplayedRefreshTokenRevokesTheSession) {
  absl::StatusOr<RefreshOutcome> legit =
      Refresh(session_.refresh_token, t0_ + absl::Minutes(1));
  ASSERT_THAT(legit, IsOk());
  ASSERT_THAT(legit->status, IsOk());
  // Someone presents the old refresh token again: refused, and the session
  // ends for whoever holds the current tokens too.
  absl::Status replay =
      RefreshStatus(session_.refresh_token, t0_ + absl::Minutes(2));
  EXPECT_THAT(replay, StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(replay, HasReason("INVALID_TOKEN"));
  EXPECT_THAT(
      AuthenticateToken(legit->session.access_token, t0_ + absl::Minutes(3)),
      HasReason("INVALID_TOKEN"));
  EXPECT_THAT(
      RefreshStatus(legit->session.refresh_token, t0_ + absl::Minutes(3)),
      HasReason("INVALID_TOKEN"));
  EXPECT_EQ(QueryInt("SELECT revoked FROM sessions"), 1);
}

TEST_F(SessionsTest, ExpiredRefreshTokenIsRefused) {
  EXPECT_THAT(
      RefreshStatus(session_.refresh_token, t0_ + kRefreshTokenLifetime),
      HasReason("INVALID_TOKEN"));
  EXPECT_THAT(RefreshStatus(session_.refresh_token,
                            t0_ + kRefreshTokenLifetime - absl::Seconds(1)),
              IsOk());
}

TEST_F(SessionsTest, RevokedSessionIsRefused) {
  ASSERT_THAT(db_->WriteSync(CallContext{},
                             [&](storage::Connection& c) {
                               return RevokeSession(c, session_.session_id);
                             }),
              IsOk());
  EXPECT_THAT(AuthenticateToken(session_.access_token, t0_),
              HasReason("INVALID_TOKEN"));
  EXPECT_THAT(RefreshStatus(session_.refresh_token, t0_),
              HasReason("INVALID_TOKEN"));
}

TEST_F(SessionsTest, RevokingAnAccountsSessionsEndsAllOfThem) {
  absl::StatusOr<IssuedSession> other =
      Write<IssuedSession>([&](storage::Connection& c) {
        return IssueSession(c, account_.id, t0_);
      });
  ASSERT_THAT(other, IsOk());
  ASSERT_THAT(db_->WriteSync(CallContext{},
                             [&](storage::Connection& c) {
                               return RevokeAccountSessions(c, account_.id);
                             }),
              IsOk());
  EXPECT_THAT(AuthenticateToken(session_.access_token, t0_),
              HasReason("INVALID_TOKEN"));
  EXPECT_THAT(AuthenticateToken(other->access_token, t0_),
              HasReason("INVALID_TOKEN"));
}

TEST_F(SessionsTest, OnlyHashesAreStored) {
  EXPECT_EQ(QueryInt(absl::StrCat(
                "SELECT count(*) FROM sessions WHERE access_hash = '",
                SecretHash(session_.access_token), "' AND refresh_hash = '",
                SecretHash(session_.refresh_token), "'")),
            1);
  EXPECT_THAT(RefreshStatus("", t0_),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace pumpurs::auth
