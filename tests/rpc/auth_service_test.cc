// AuthService over a real in-process server and channel: sign-in, tokens
// that expire, rotate and end, accounts and API keys — and no password or
// token in clear in the database files or the server's log.

#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/auth.grpc.pb.h"
#include "server/common/log.h"
#include "tests/testing/directory_setup.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs {
namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::testing::CreateInstitution;
using ::pumpurs::testing::CreateMunicipality;
using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr char kPassword[] = "Ļoti slepena parole 7";

// Captures what the process writes to stderr while alive.
class StderrCapture {
 public:
  explicit StderrCapture(const std::string& path) : path_(path) {
    std::fflush(stderr);
    saved_ = dup(fileno(stderr));
    FILE* f = std::freopen(path.c_str(), "w", stderr);
    (void)f;
  }
  std::string Finish() {
    std::fflush(stderr);
    dup2(saved_, fileno(stderr));
    close(saved_);
    return ReadAll(path_);
  }
  static std::string ReadAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  std::string path_;
  int saved_;
};

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auth_ = v1::AuthService::NewStub(server_.channel());
    admin_token_ = server_.AdminToken();
  }

  grpc::Status Login(const std::string& username, const std::string& password,
                     v1::Session* out) {
    server_.UseToken("");
    grpc::ClientContext ctx;
    v1::LoginRequest req;
    req.set_username(username);
    req.set_password(password);
    return auth_->Login(&ctx, req, out);
  }
  grpc::Status Refresh(const std::string& refresh_token, v1::Session* out) {
    server_.UseToken("");
    grpc::ClientContext ctx;
    v1::RefreshTokenRequest req;
    req.set_refresh_token(refresh_token);
    return auth_->RefreshToken(&ctx, req, out);
  }
  grpc::Status WhoAmI(const std::string& token, v1::Account* out) {
    server_.UseToken(token);
    grpc::ClientContext ctx;
    return auth_->WhoAmI(&ctx, v1::WhoAmIRequest(), out);
  }
  grpc::Status CreateAccount(const std::string& token, const v1::Account& a,
                             const std::string& password, v1::Account* out) {
    server_.UseToken(token);
    grpc::ClientContext ctx;
    v1::CreateAccountRequest req;
    *req.mutable_account() = a;
    req.set_password(password);
    return auth_->CreateAccount(&ctx, req, out);
  }
  grpc::Status ListMunicipalities(const std::string& token) {
    server_.UseToken(token);
    grpc::ClientContext ctx;
    v1::ListMunicipalitiesResponse out;
    return server_.directory().ListMunicipalities(
        &ctx, v1::ListMunicipalitiesRequest(), &out);
  }

  // A user account made by the administrator over the API.
  v1::Account MakeUser(const std::string& username,
                       const std::vector<v1::RoleBinding>& roles = {}) {
    v1::Account a;
    a.set_username(username);
    a.set_kind(v1::ACCOUNT_KIND_USER);
    for (const auto& r : roles) *a.add_role_bindings() = r;
    v1::Account out;
    EXPECT_THAT(CreateAccount(admin_token_, a, kPassword, &out), IsOk());
    return out;
  }

  std::string NewInstitution() {
    server_.UseToken(admin_token_);
    absl::StatusOr<std::string> m =
        CreateMunicipality(server_, "Ābeļu novads", "0900001");
    EXPECT_THAT(m, IsOk());
    absl::StatusOr<std::string> i = CreateInstitution(
        server_, m.value_or(""), "Ābeļu vidusskola", "4313900001");
    EXPECT_THAT(i, IsOk());
    return i.value_or("");
  }

  TestServer server_;
  std::unique_ptr<v1::AuthService::Stub> auth_;
  std::string admin_token_;
};

v1::RoleBinding Binding(v1::Role role, const std::string& scope) {
  v1::RoleBinding b;
  b.set_role(role);
  b.set_scope(scope);
  return b;
}

// The RetryInfo delay a status carries, in milliseconds (-1 if none).
int64_t RetryMillis(const grpc::Status& status) {
  google::rpc::Status proto;
  if (!proto.ParseFromString(status.error_details())) return -1;
  for (const auto& any : proto.details()) {
    google::rpc::RetryInfo retry;
    if (any.UnpackTo(&retry)) {
      return retry.retry_delay().seconds() * 1000 +
             retry.retry_delay().nanos() / 1000000;
    }
  }
  return -1;
}

TEST_F(AuthServiceTest, LoginWhoAmIAndRoleScopesAsNames) {
  const std::string institution = NewInstitution();
  v1::Account created =
      MakeUser("skolotaja", {Binding(v1::ROLE_PLAN_PREPARER, institution)});
  EXPECT_THAT(created.name(), ::testing::StartsWith("accounts/"));

  v1::Session session;
  ASSERT_THAT(Login("skolotaja", kPassword, &session), IsOk());
  EXPECT_THAT(session.access_token(), ::testing::StartsWith("pat_"));
  EXPECT_THAT(session.refresh_token(), ::testing::StartsWith("prt_"));
  EXPECT_GT(session.access_token_expire_time().seconds(), 0);
  EXPECT_GT(session.refresh_token_expire_time().seconds(),
            session.access_token_expire_time().seconds());
  EXPECT_EQ(session.account().name(), created.name());

  v1::Account me;
  ASSERT_THAT(WhoAmI(session.access_token(), &me), IsOk());
  EXPECT_EQ(me.name(), created.name());
  EXPECT_EQ(me.username(), "skolotaja");
  EXPECT_EQ(me.kind(), v1::ACCOUNT_KIND_USER);
  ASSERT_EQ(me.role_bindings_size(), 1);
  EXPECT_EQ(me.role_bindings(0).role(), v1::ROLE_PLAN_PREPARER);
  EXPECT_EQ(me.role_bindings(0).scope(), institution);
  EXPECT_FALSE(me.etag().empty());

  v1::Account admin;
  ASSERT_THAT(WhoAmI(admin_token_, &admin), IsOk());
  ASSERT_EQ(admin.role_bindings_size(), 1);
  EXPECT_EQ(admin.role_bindings(0).role(), v1::ROLE_NATIONAL_ADMINISTRATOR);
  EXPECT_EQ(admin.role_bindings(0).scope(), "");
}

TEST_F(AuthServiceTest, WrongUsernameOrPasswordGetTheSameAnswer) {
  MakeUser("anna");
  v1::Session s;
  grpc::Status wrong_password = Login("anna", "nepareizā parole", &s);
  grpc::Status wrong_user = Login("nav.tads", kPassword, &s);
  EXPECT_THAT(wrong_password, StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(wrong_password, HasReason("INVALID_CREDENTIALS"));
  EXPECT_EQ(wrong_password.error_message(), wrong_user.error_message());
  EXPECT_EQ(wrong_password.error_details(), wrong_user.error_details());
  grpc::Status empty = Login("", "", &s);
  EXPECT_THAT(empty, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(empty),
              UnorderedElementsAre("username", "password"));
}

TEST_F(AuthServiceTest, RepeatedFailuresAreThrottledWithRetryInfo) {
  MakeUser("anna");
  v1::Session s;
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(Login("anna", "nepareizi", &s),
                HasReason("INVALID_CREDENTIALS"));
  }
  grpc::Status throttled = Login("anna", kPassword, &s);
  EXPECT_THAT(throttled, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(throttled, HasReason("LOGIN_THROTTLED"));
  // One second after the last failure, less the time since.
  EXPECT_GT(RetryMillis(throttled), 0);
  EXPECT_LE(RetryMillis(throttled), 1000);
  EXPECT_THAT(throttled.error_message(), HasSubstr("try again in 1 s"));
}

TEST_F(AuthServiceTest, RefreshTokenWorksOnceAndReuseEndsTheSession) {
  MakeUser("anna");
  v1::Session first;
  ASSERT_THAT(Login("anna", kPassword, &first), IsOk());
  v1::Session second;
  ASSERT_THAT(Refresh(first.refresh_token(), &second), IsOk());
  EXPECT_NE(second.access_token(), first.access_token());
  EXPECT_EQ(second.account().username(), "anna");
  v1::Account me;
  EXPECT_THAT(WhoAmI(second.access_token(), &me), IsOk());
  EXPECT_THAT(WhoAmI(first.access_token(), &me),
              StatusIs(absl::StatusCode::kUnauthenticated));

  v1::Session replayed;
  grpc::Status replay = Refresh(first.refresh_token(), &replayed);
  EXPECT_THAT(replay, StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(replay, HasReason("INVALID_TOKEN"));
  EXPECT_THAT(WhoAmI(second.access_token(), &me),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(Refresh(second.refresh_token(), &replayed),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(AuthServiceTest, LogoutRevokesTheSession) {
  MakeUser("anna");
  v1::Session session;
  ASSERT_THAT(Login("anna", kPassword, &session), IsOk());
  ASSERT_THAT(ListMunicipalities(session.access_token()), IsOk());
  server_.UseToken(session.access_token());
  {
    grpc::ClientContext ctx;
    google::protobuf::Empty out;
    ASSERT_THAT(auth_->Logout(&ctx, v1::LogoutRequest(), &out), IsOk());
  }
  EXPECT_THAT(ListMunicipalities(session.access_token()),
              StatusIs(absl::StatusCode::kUnauthenticated));
  v1::Session refreshed;
  EXPECT_THAT(Refresh(session.refresh_token(), &refreshed),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(AuthServiceTest, MissingAndForgedTokensAreRefused) {
  EXPECT_THAT(ListMunicipalities(""),
              StatusIs(absl::StatusCode::kUnauthenticated));
  grpc::Status forged =
      ListMunicipalities("pat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_THAT(forged, StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(forged, HasReason("INVALID_TOKEN"));
  v1::Account me;
  EXPECT_THAT(WhoAmI("", &me), StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(AuthServiceTest, ApiKeyWorksWithinItsScopesUntilRevoked) {
  const std::string institution = NewInstitution();
  v1::Account a;
  a.set_username("viis");
  a.set_kind(v1::ACCOUNT_KIND_SERVICE);
  *a.add_role_bindings() =
      Binding(v1::ROLE_INSTITUTION_COORDINATOR, institution);
  a.add_api_scopes("directory.read");
  v1::Account service;
  ASSERT_THAT(CreateAccount(admin_token_, a, "", &service), IsOk());
  EXPECT_EQ(service.kind(), v1::ACCOUNT_KIND_SERVICE);
  EXPECT_THAT(service.api_scopes(), ElementsAre("directory.read"));

  v1::ApiKey key;
  {
    server_.UseToken(admin_token_);
    grpc::ClientContext ctx;
    v1::CreateApiKeyRequest req;
    req.set_parent(service.name());
    ASSERT_THAT(auth_->CreateApiKey(&ctx, req, &key), IsOk());
  }
  EXPECT_THAT(key.name(), ::testing::StartsWith(service.name() + "/apiKeys/"));
  EXPECT_THAT(key.key(), ::testing::StartsWith("pak_"));
  EXPECT_THAT(ListMunicipalities(key.key()), IsOk());
  // directory.read does not let it write, whatever its role.
  {
    server_.UseToken(key.key());
    grpc::ClientContext ctx;
    v1::CreateMunicipalityRequest req;
    req.mutable_municipality()->set_display_name("Ogres novads");
    req.mutable_municipality()->set_code("0740201");
    v1::Municipality m;
    EXPECT_THAT(server_.directory().CreateMunicipality(&ctx, req, &m),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
  // Logout is for sessions, not keys.
  {
    server_.UseToken(key.key());
    grpc::ClientContext ctx;
    google::protobuf::Empty out;
    EXPECT_THAT(auth_->Logout(&ctx, v1::LogoutRequest(), &out),
                HasReason("NO_SESSION"));
  }
  {
    server_.UseToken(admin_token_);
    grpc::ClientContext ctx;
    v1::RevokeApiKeyRequest req;
    req.set_name(key.name());
    google::protobuf::Empty out;
    ASSERT_THAT(auth_->RevokeApiKey(&ctx, req, &out), IsOk());
  }
  EXPECT_THAT(ListMunicipalities(key.key()),
              StatusIs(absl::StatusCode::kUnauthenticated));
  {
    server_.UseToken(admin_token_);
    grpc::ClientContext ctx;
    v1::RevokeApiKeyRequest req;
    req.set_name("accounts/x/keys/y");
    google::protobuf::Empty out;
    EXPECT_THAT(auth_->RevokeApiKey(&ctx, req, &out),
                StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

TEST_F(AuthServiceTest, AccountsAreManagedByAdministrators) {
  v1::Account anna = MakeUser("anna");
  MakeUser("baiba");
  v1::Session session;
  ASSERT_THAT(Login("anna", kPassword, &session), IsOk());

  // Anna reads herself, nobody else, and lists nothing.
  server_.UseToken(session.access_token());
  {
    grpc::ClientContext ctx;
    v1::GetAccountRequest req;
    req.set_name(anna.name());
    v1::Account out;
    EXPECT_THAT(auth_->GetAccount(&ctx, req, &out), IsOk());
  }
  {
    grpc::ClientContext ctx;
    v1::ListAccountsRequest req;
    v1::ListAccountsResponse out;
    EXPECT_THAT(auth_->ListAccounts(&ctx, req, &out),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
  {
    grpc::ClientContext ctx;
    v1::CreateAccountRequest req;
    req.mutable_account()->set_username("cits");
    req.mutable_account()->set_kind(v1::ACCOUNT_KIND_USER);
    req.set_password(kPassword);
    v1::Account out;
    EXPECT_THAT(auth_->CreateAccount(&ctx, req, &out),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }

  // The administrator lists every account by username.
  server_.UseToken(admin_token_);
  std::vector<std::string> names;
  std::string token;
  do {
    grpc::ClientContext ctx;
    v1::ListAccountsRequest req;
    req.set_page_size(1);
    req.set_page_token(token);
    v1::ListAccountsResponse out;
    ASSERT_THAT(auth_->ListAccounts(&ctx, req, &out), IsOk());
    for (const auto& a : out.accounts()) names.push_back(a.username());
    token = out.next_page_token();
  } while (!token.empty());
  EXPECT_THAT(
      names, ElementsAre("anna", "baiba", ::testing::StartsWith("test-user-")));

  // Invalid creates name every field.
  {
    grpc::ClientContext ctx;
    v1::CreateAccountRequest req;
    req.mutable_account()->set_username("A");
    *req.mutable_account()->add_role_bindings() =
        Binding(v1::ROLE_INSTITUTION_HEAD, "municipalities/x");
    v1::Account out;
    grpc::Status s = auth_->CreateAccount(&ctx, req, &out);
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(ViolatedFields(s),
                UnorderedElementsAre("account.username", "account.kind",
                                     "account.role_bindings[0].scope"));
  }

  // A reset sets a new password and ends Anna's session.
  {
    grpc::ClientContext ctx;
    v1::ResetPasswordRequest req;
    req.set_name(anna.name());
    req.set_new_password("pavisam jauna parole");
    v1::Account out;
    ASSERT_THAT(auth_->ResetPassword(&ctx, req, &out), IsOk());
    EXPECT_NE(out.etag(), anna.etag());
  }
  v1::Account me;
  EXPECT_THAT(WhoAmI(session.access_token(), &me),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(Login("anna", "pavisam jauna parole", &session), IsOk());
}

// Scans the database file and its WAL for the secrets of real calls, and
// the server's log.
TEST(AuthSecretsTest, NoPasswordOrTokenInClearInTheDatabaseOrTheLog) {
  TestServer server;
  auto auth = v1::AuthService::NewStub(server.channel());
  server.UseToken(server.AdminToken());
  SetLoggingEnabled(true);
  StderrCapture capture(server.db_path() + ".log");
  std::vector<std::string> secrets = {kPassword, "Otra slepena parole 8"};
  {
    grpc::ClientContext ctx;
    v1::CreateAccountRequest req;
    req.mutable_account()->set_username("anna");
    req.mutable_account()->set_kind(v1::ACCOUNT_KIND_USER);
    req.set_password(kPassword);
    v1::Account out;
    ASSERT_THAT(auth->CreateAccount(&ctx, req, &out), IsOk());
    grpc::ClientContext ctx2;
    v1::ResetPasswordRequest reset;
    reset.set_name(out.name());
    reset.set_new_password(secrets[1]);
    ASSERT_THAT(auth->ResetPassword(&ctx2, reset, &out), IsOk());
  }
  {
    grpc::ClientContext ctx;
    v1::CreateAccountRequest req;
    req.mutable_account()->set_username("svc");
    req.mutable_account()->set_kind(v1::ACCOUNT_KIND_SERVICE);
    req.mutable_account()->add_api_scopes("directory.read");
    v1::Account out;
    ASSERT_THAT(auth->CreateAccount(&ctx, req, &out), IsOk());
    grpc::ClientContext ctx2;
    v1::CreateApiKeyRequest key_req;
    key_req.set_parent(out.name());
    v1::ApiKey key;
    ASSERT_THAT(auth->CreateApiKey(&ctx2, key_req, &key), IsOk());
    secrets.push_back(key.key());
  }
  server.UseToken("");
  v1::Session session;
  {
    grpc::ClientContext ctx;
    v1::LoginRequest req;
    req.set_username("anna");
    req.set_password(kPassword);  // the old one: a failure, logged
    EXPECT_THAT(auth->Login(&ctx, req, &session),
                StatusIs(absl::StatusCode::kUnauthenticated));
  }
  {
    grpc::ClientContext ctx;
    v1::LoginRequest req;
    req.set_username("anna");
    req.set_password(secrets[1]);
    ASSERT_THAT(auth->Login(&ctx, req, &session), IsOk());
    secrets.push_back(session.access_token());
    secrets.push_back(session.refresh_token());
  }
  {
    grpc::ClientContext ctx;
    v1::RefreshTokenRequest req;
    req.set_refresh_token(session.refresh_token());
    v1::Session next;
    ASSERT_THAT(auth->RefreshToken(&ctx, req, &next), IsOk());
    secrets.push_back(next.access_token());
    secrets.push_back(next.refresh_token());
    server.UseToken(next.access_token());
    grpc::ClientContext ctx2;
    v1::Account me;
    ASSERT_THAT(auth->WhoAmI(&ctx2, v1::WhoAmIRequest(), &me), IsOk());
  }
  // While serving, recent pages live in the WAL; after the stop's
  // checkpoint, in the main file.
  const std::string wal = StderrCapture::ReadAll(server.db_path() + "-wal");
  server.Stop();
  SetLoggingEnabled(false);
  const std::string log = capture.Finish();
  const std::string db = StderrCapture::ReadAll(server.db_path());
  EXPECT_THAT(db + wal, HasSubstr("$argon2id$"));
  EXPECT_FALSE(wal.empty());
  for (const std::string& secret : secrets) {
    EXPECT_FALSE(absl::StrContains(db, secret)) << "database holds a secret";
    EXPECT_FALSE(absl::StrContains(wal, secret)) << "WAL holds a secret";
    EXPECT_FALSE(absl::StrContains(log, secret)) << "log holds a secret";
  }
  EXPECT_THAT(log, HasSubstr("AuthService/Login"));
  EXPECT_THAT(log, Not(HasSubstr("anna")));
}

}  // namespace
}  // namespace pumpurs
