// The client's session handling against a real in-process server: SignIn,
// renewal before the access token expires, renewal and one resend after
// the server refuses an expired token, refresh tokens that work once,
// token_source, and one renewal for many threads. Expiry is real: the
// tests move the server's own expiry time of the session in its database.

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/client/client.h"
#include "server/common/call_context.h"
#include "server/storage/connection.h"
#include "server/storage/statement.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs::client {
namespace {

using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kUsername[] = "anna";
constexpr char kPassword[] = "anna-parole-2026";
constexpr char kWhoAmI[] = "/pumpurs.v1.AuthService/WhoAmI";

std::unique_ptr<Client> MustCreate(const ClientOptions& options) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
  EXPECT_THAT(client.status(), IsOk());
  return client.ok() ? *std::move(client) : nullptr;
}

// What on_session_renewed saw.
struct Renewals {
  absl::Mutex mu;
  std::vector<v1::Session> sessions ABSL_GUARDED_BY(mu);
  std::vector<std::thread::id> threads ABSL_GUARDED_BY(mu);

  std::function<void(const v1::Session&)> Callback() {
    return [this](const v1::Session& s) {
      absl::MutexLock lock(&mu);
      sessions.push_back(s);
      threads.push_back(std::this_thread::get_id());
    };
  }
  int count() {
    absl::MutexLock lock(&mu);
    return static_cast<int>(sessions.size());
  }
  v1::Session last() {
    absl::MutexLock lock(&mu);
    return sessions.empty() ? v1::Session() : sessions.back();
  }
};

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp out;
  out.set_seconds(absl::ToUnixSeconds(t));
  return out;
}

class SessionTest : public ::testing::Test {
 protected:
  SessionTest() {
    ClientOptions options;
    options.target = server_.target();
    options.access_token = server_.AdminToken();
    admin_ = MustCreate(options);
    v1::CreateAccountRequest create;
    create.mutable_account()->set_username(kUsername);
    create.mutable_account()->set_kind(v1::ACCOUNT_KIND_USER);
    create.set_password(kPassword);
    EXPECT_THAT(admin_->CreateAccount(create), IsOk());
  }

  // A client of anna's that reports renewals to renewals_.
  std::unique_ptr<Client> AnnaClient(std::optional<v1::Session> session) {
    ClientOptions options;
    options.target = server_.target();
    options.session = std::move(session);
    options.on_session_renewed = renewals_.Callback();
    return MustCreate(options);
  }

  v1::Session Login() {
    v1::LoginRequest login;
    login.set_username(kUsername);
    login.set_password(kPassword);
    absl::StatusOr<v1::Session> session = admin_->Login(login);
    EXPECT_THAT(session, IsOk());
    return session.ok() ? *session : v1::Session();
  }

  // Runs `sql` (with anna's username as its one parameter) on the server's
  // database, e.g. to move the expiry of her sessions.
  void Exec(const std::string& sql) {
    ASSERT_THAT(server_.database().WriteSync(
                    CallContext(),
                    [&](storage::Connection& c) -> absl::Status {
                      absl::StatusOr<storage::Statement> s = c.Prepare(sql);
                      if (!s.ok()) return s.status();
                      s->Bind(1, std::string(kUsername));
                      return s->Run();
                    }),
                IsOk());
  }
  void SetAccessExpiry(absl::Time t) {
    Exec(absl::StrCat(
        "UPDATE sessions SET access_expire_time = ", absl::ToUnixMicros(t),
        " WHERE account_id = "
        "(SELECT id FROM accounts WHERE username = ?)"));
  }
  void RevokeSessions() {
    Exec(
        "UPDATE sessions SET revoked = 1 WHERE account_id = "
        "(SELECT id FROM accounts WHERE username = ?)");
  }

  TestServer server_;
  std::unique_ptr<Client> admin_;
  Renewals renewals_;
};

TEST(SessionOptionsTest, CreateRejectsConflictingOrBadTokenSources) {
  ClientOptions base;
  base.target = "127.0.0.1:1";
  v1::Session session;
  session.set_access_token("pat_secret-access");
  session.set_refresh_token("prt_secret-refresh");

  ClientOptions both = base;
  both.access_token = "pat_other";
  both.session = session;
  EXPECT_THAT(Client::Create(both),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ClientOptions source_and_session = base;
  source_and_session.session = session;
  source_and_session.token_source = [] { return std::string("x"); };
  EXPECT_THAT(Client::Create(source_and_session),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ClientOptions source_and_token = base;
  source_and_token.access_token = "pat_other";
  source_and_token.token_source = [] { return std::string("x"); };
  EXPECT_THAT(Client::Create(source_and_token),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ClientOptions empty_session = base;
  empty_session.session = v1::Session();
  EXPECT_THAT(Client::Create(empty_session),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ClientOptions negative = base;
  negative.session = session;
  negative.refresh_before_expiry = absl::Seconds(-1);
  EXPECT_THAT(Client::Create(negative),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ClientOptions bad_token = base;
  v1::Session bad = session;
  bad.set_refresh_token("prt_secret\nrefresh");
  bad_token.session = bad;
  absl::StatusOr<std::unique_ptr<Client>> refused = Client::Create(bad_token);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(refused.status().message()),
              Not(HasSubstr("secret")));

  ClientOptions fine = base;
  fine.session = session;
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(fine);
  ASSERT_THAT(client, IsOk());
  ASSERT_TRUE((*client)->session().has_value());
  EXPECT_EQ((*client)->session()->refresh_token(), "prt_secret-refresh");
  base.access_token = "pat_plain";
  client = Client::Create(base);
  ASSERT_THAT(client, IsOk());
  EXPECT_FALSE((*client)->session().has_value());
}

TEST_F(SessionTest, SignInThenCallsSendTheSessionsToken) {
  std::unique_ptr<Client> client = AnnaClient(std::nullopt);
  EXPECT_FALSE(client->session().has_value());
  EXPECT_THAT(client->WhoAmI(), StatusIs(absl::StatusCode::kUnauthenticated));

  absl::StatusOr<v1::Session> wrong = client->SignIn(kUsername, "nepareizi");
  EXPECT_THAT(wrong, StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(ErrorReason(wrong.status()), "INVALID_CREDENTIALS");
  EXPECT_FALSE(client->session().has_value());

  absl::StatusOr<v1::Session> session = client->SignIn(kUsername, kPassword);
  ASSERT_THAT(session, IsOk());
  ASSERT_TRUE(client->session().has_value());
  EXPECT_EQ(client->session()->SerializeAsString(),
            session->SerializeAsString());
  absl::StatusOr<v1::Account> me = client->WhoAmI();
  ASSERT_THAT(me, IsOk());
  EXPECT_EQ(me->username(), kUsername);
  absl::StatusOr<std::string> raw = client->CallRaw(kWhoAmI, "");
  ASSERT_THAT(raw, IsOk());
  EXPECT_EQ(*raw, me->SerializeAsString());
  EXPECT_EQ(renewals_.count(), 0);  // a fresh token needs no renewal
}

TEST_F(SessionTest, RenewsBeforeTheAccessTokenExpires) {
  v1::Session old = Login();
  // The token now expires in 30 s, for the server and for the client:
  // within the default refresh_before_expiry (60 s).
  const absl::Time soon = absl::Now() + absl::Seconds(30);
  SetAccessExpiry(soon);
  *old.mutable_access_token_expire_time() = ToProto(soon);
  std::unique_ptr<Client> client = AnnaClient(old);

  ASSERT_THAT(client->WhoAmI(), IsOk());
  ASSERT_EQ(renewals_.count(), 1);
  const v1::Session renewed = renewals_.last();
  {
    absl::MutexLock lock(&renewals_.mu);
    EXPECT_EQ(renewals_.threads[0], std::this_thread::get_id());
  }
  EXPECT_NE(renewed.access_token(), old.access_token());
  EXPECT_NE(renewed.refresh_token(), old.refresh_token());
  EXPECT_FALSE(renewed.refresh_token().empty());
  EXPECT_GT(renewed.access_token_expire_time().seconds(),
            absl::ToUnixSeconds(absl::Now() + absl::Minutes(10)));
  ASSERT_TRUE(client->session().has_value());
  EXPECT_EQ(client->session()->SerializeAsString(),
            renewed.SerializeAsString());

  // The renewed token lasts: no more renewals.
  for (int i = 0; i < 3; ++i) ASSERT_THAT(client->WhoAmI(), IsOk());
  ASSERT_THAT(client->CallRaw(kWhoAmI, ""), IsOk());
  EXPECT_EQ(renewals_.count(), 1);

  // The old refresh token was spent. Presenting it again is taken as theft
  // and ends the session for every holder; the client then fails (once,
  // without renewing: its refresh token is dead too).
  v1::RefreshTokenRequest replay;
  replay.set_refresh_token(old.refresh_token());
  EXPECT_THAT(admin_->RefreshToken(replay),
              StatusIs(absl::StatusCode::kUnauthenticated));
  absl::StatusOr<v1::Account> after = client->WhoAmI();
  EXPECT_THAT(after, StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(ErrorReason(after.status()), "INVALID_TOKEN");
  EXPECT_THAT(std::string(after.status().message()),
              Not(HasSubstr(renewed.access_token())));
  EXPECT_EQ(renewals_.count(), 1);
  ASSERT_TRUE(client->session().has_value());
  EXPECT_EQ(client->session()->refresh_token(), "");
  // Signing in again starts over.
  ASSERT_THAT(client->SignIn(kUsername, kPassword), IsOk());
  EXPECT_THAT(client->WhoAmI(), IsOk());
}

TEST_F(SessionTest, RefusedTokenIsRenewedAndTheCallSentOnceMore) {
  std::unique_ptr<Client> client = AnnaClient(std::nullopt);
  ASSERT_THAT(client->SignIn(kUsername, kPassword), IsOk());
  ASSERT_THAT(client->WhoAmI(), IsOk());

  // The server's expiry passes; the client still believes the token good.
  SetAccessExpiry(absl::Now() - absl::Seconds(1));
  absl::StatusOr<v1::Account> me = client->WhoAmI();
  ASSERT_THAT(me, IsOk());
  EXPECT_EQ(me->username(), kUsername);
  EXPECT_EQ(renewals_.count(), 1);

  // CallRaw takes the same path.
  SetAccessExpiry(absl::Now() - absl::Seconds(1));
  ASSERT_THAT(client->CallRaw(kWhoAmI, ""), IsOk());
  EXPECT_EQ(renewals_.count(), 2);

  // A revoked session cannot be renewed: the call's own error comes back.
  RevokeSessions();
  absl::StatusOr<v1::Account> revoked = client->WhoAmI();
  EXPECT_THAT(revoked, StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(ErrorReason(revoked.status()), "INVALID_TOKEN");
  EXPECT_EQ(renewals_.count(), 2);
}

TEST_F(SessionTest, SessionWithOnlyARefreshTokenRenewsFirst) {
  v1::Session stored = Login();
  stored.clear_access_token();  // e.g. an app that keeps only this
  std::unique_ptr<Client> client = AnnaClient(stored);
  ASSERT_THAT(client->WhoAmI(), IsOk());
  EXPECT_EQ(renewals_.count(), 1);
}

TEST_F(SessionTest, TokenSourceIsAskedForEveryCallAndItsErrorFailsIt) {
  const std::string admin_token = server_.AdminToken();
  std::atomic<int> asked{0};
  absl::Status refusal = absl::OkStatus();
  ClientOptions options;
  options.target = server_.target();
  options.token_source = [&]() -> absl::StatusOr<std::string> {
    ++asked;
    if (!refusal.ok()) return refusal;
    return admin_token;
  };
  std::unique_ptr<Client> client = MustCreate(options);
  EXPECT_FALSE(client->session().has_value());
  ASSERT_THAT(client->ListMunicipalities({}), IsOk());
  ASSERT_THAT(client->CallRaw("/pumpurs.v1.DirectoryService/"
                              "ListMunicipalities",
                              ""),
              IsOk());
  EXPECT_EQ(asked.load(), 2);

  // Its error is the call's, and the server never sees the create.
  refusal = absl::PermissionDeniedError("the account manager said no");
  v1::CreateMunicipalityRequest create;
  create.mutable_municipality()->set_display_name("Ogres novads");
  create.mutable_municipality()->set_code("0740201");
  absl::StatusOr<v1::Municipality> refused = client->CreateMunicipality(create);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(refused.status().message(), "the account manager said no");
  EXPECT_THAT(client->CallRaw("/pumpurs.v1.DirectoryService/"
                              "CreateMunicipality",
                              create.SerializeAsString()),
              StatusIs(absl::StatusCode::kPermissionDenied));
  absl::StatusOr<v1::ListMunicipalitiesResponse> list =
      admin_->ListMunicipalities({});
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(list->municipalities(), SizeIs(0));

  // A token that cannot go into a header is refused, not echoed.
  refusal = absl::OkStatus();
  options.token_source = [] {
    return absl::StatusOr<std::string>("pat_secret\r\nx-evil: 1");
  };
  client = MustCreate(options);
  absl::StatusOr<v1::Account> bad = client->WhoAmI();
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(bad.status().message()), Not(HasSubstr("secret")));
}

// Eight threads find the token due at once (before expiry, and after the
// server refused it): the refresh token is spent exactly once each time,
// and every call succeeds.
TEST_F(SessionTest, ConcurrentCallsRenewOnce) {
  v1::Session old = Login();
  const absl::Time soon = absl::Now() + absl::Seconds(30);
  SetAccessExpiry(soon);
  *old.mutable_access_token_expire_time() = ToProto(soon);
  std::unique_ptr<Client> client = AnnaClient(old);

  auto run = [&] {
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 5; ++i) {
          const bool ok = (t + i) % 2 == 0 ? client->WhoAmI().ok()
                                           : client->CallRaw(kWhoAmI, "").ok();
          if (!ok) ++failures;
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    return failures.load();
  };
  EXPECT_EQ(run(), 0);
  EXPECT_EQ(renewals_.count(), 1);

  SetAccessExpiry(absl::Now() - absl::Seconds(1));
  EXPECT_EQ(run(), 0);
  EXPECT_EQ(renewals_.count(), 2);
}

}  // namespace
}  // namespace pumpurs::client
