// Managing accounts: validation naming every bad field, who may create
// which accounts, reading, listing and password resets.

#include "server/auth/account_admin.h"

#include "server/auth/secrets.h"
#include "tests/auth/auth_fixture.h"

namespace pumpurs::auth {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatesFields;
using ::testing::ElementsAre;

constexpr int kHead = static_cast<int>(Role::kInstitutionHead);
constexpr int kPreparer = static_cast<int>(Role::kPlanPreparer);
constexpr int kMunicipal = static_cast<int>(Role::kMunicipalityCoordinator);
constexpr int kNational = static_cast<int>(Role::kNationalAdministrator);

class AccountAdminTest : public AuthTest {
 protected:
  void SetUp() override {
    AuthTest::SetUp();
    MakeInstitution("skola1", "novads1");
    MakeInstitution("skola2", "novads1");
    admin_ = MakeAccount("admin", "admin-parole-1",
                         {{Role::kNationalAdministrator, ""}});
    head_ = MakeAccount("direktors", "direktora-parole",
                        {{Role::kInstitutionHead, "skola1"}});
  }

  static NewAccount User(const std::string& username,
                         std::vector<RequestedBinding> bindings = {}) {
    NewAccount a;
    a.username = username;
    a.kind = kUserKind;
    a.role_bindings = std::move(bindings);
    return a;
  }

  absl::StatusOr<AccountRecord> Create(
      const AccountRecord& caller, const NewAccount& account,
      const std::string& password = "laba parole 2026",
      const std::string& request_id = "") {
    CallContext call = CallBy(caller);
    // As the RPC layer does it: check, hash outside the writer, write.
    absl::Status checked =
        db_->ReadSync(CallContext{}, [&](storage::Connection& c) {
          return CheckNewAccount(c, call, account, password, request_id);
        });
    absl::StatusOr<AccountRecord> created =
        Write<AccountRecord>([&](storage::Connection& c) {
          return CreateAccount(c, call, account, password, "", request_id,
                               absl::Now());
        });
    // The check and the write agree.
    EXPECT_EQ(checked.code(), created.status().code()) << checked;
    return created;
  }

  AccountRecord admin_;
  AccountRecord head_;
};

TEST_F(AccountAdminTest, AdministratorCreatesAUser) {
  absl::StatusOr<AccountRecord> a = Create(
      admin_, User("jana.ozola", {{kPreparer, "institutions/skola1"},
                                  {kMunicipal, "municipalities/novads1"}}));
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->username, "jana.ozola");
  EXPECT_FALSE(a->is_service);
  EXPECT_EQ(a->version, 1);
  EXPECT_THAT(a->roles, ElementsAre(RoleBinding{Role::kPlanPreparer, "skola1"},
                                    RoleBinding{Role::kMunicipalityCoordinator,
                                                "novads1"}));
  // argon2id, and the password itself nowhere.
  EXPECT_THAT(a->password_hash, ::testing::StartsWith("$argon2id$"));
  EXPECT_TRUE(VerifyPassword("laba parole 2026", a->password_hash));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM accounts WHERE password_hash LIKE "
                     "'%laba parole%'"),
            0);
}

TEST_F(AccountAdminTest, ServiceAccountWithScopes) {
  NewAccount s;
  s.username = "e-klase";
  s.kind = kServiceKind;
  s.role_bindings = {
      {static_cast<int>(Role::kInstitutionCoordinator), "institutions/skola2"}};
  s.api_scopes = {"directory.read", "directory.import"};
  absl::StatusOr<AccountRecord> a = Create(admin_, s, "");
  ASSERT_THAT(a, IsOk());
  EXPECT_TRUE(a->is_service);
  EXPECT_EQ(a->password_hash, "");
  EXPECT_THAT(a->api_scopes, ElementsAre("directory.import", "directory.read"));
}

TEST_F(AccountAdminTest, EveryBadFieldIsNamedAndNothingStored) {
  NewAccount bad;
  bad.username = "Ē";
  bad.kind = 0;
  bad.role_bindings = {
      {kHead, "municipalities/novads1"},   // wrong collection
      {42, ""},                            // no such role
      {kHead, "institutions/nav"},         // no such object
      {kNational, "institutions/skola1"},  // national: no scope
      {kPreparer, "institutions/skola1"},
      {kPreparer, "institutions/skola1"}};  // repeated
  bad.api_scopes = {"directory.read"};      // a user has none... kind unknown
  const int64_t before = QueryInt("SELECT count(*) FROM accounts");
  absl::StatusOr<AccountRecord> a = Create(admin_, bad, "īsa", "bad id\n");
  EXPECT_THAT(a, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      a,
      ViolatesFields(std::vector<std::string>{
          "account.username", "account.kind", "account.role_bindings[0].scope",
          "account.role_bindings[1].role", "account.role_bindings[2].scope",
          "account.role_bindings[3].scope", "account.role_bindings[5]",
          "account.api_scopes[0]", "request_id"}));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM accounts"), before);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM role_bindings"), 2);  // fixture's

  // Passwords: 10 to 256 characters for users, none for services.
  EXPECT_THAT(Create(admin_, User("anna"), "123456789"),
              ViolatesFields(std::vector<std::string>{"password"}));
  EXPECT_THAT(Create(admin_, User("anna"), std::string(257, 'p')),
              ViolatesFields(std::vector<std::string>{"password"}));
  NewAccount service;
  service.username = "svc";
  service.kind = kServiceKind;
  service.api_scopes = {"everything"};
  EXPECT_THAT(Create(admin_, service, "parole-ir-lieka"),
              ViolatesFields(std::vector<std::string>{
                  "password", "account.api_scopes[0]"}));
  NewAccount user = User("anna");
  user.api_scopes = {"directory.read"};
  EXPECT_THAT(
      Create(admin_, user),
      ViolatesFields(std::vector<std::string>{"account.api_scopes[0]"}));
  EXPECT_THAT(Create(admin_, User("ab")),
              ViolatesFields(std::vector<std::string>{"account.username"}));
  EXPECT_THAT(Create(admin_, User(std::string(65, 'a'))),
              ViolatesFields(std::vector<std::string>{"account.username"}));
  EXPECT_THAT(Create(admin_, User("a.b_c-9")), IsOk());
}

TEST_F(AccountAdminTest, UsernameIsUnique) {
  ASSERT_THAT(Create(admin_, User("anna")), IsOk());
  absl::StatusOr<AccountRecord> again = Create(admin_, User("anna"));
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(again, HasReason("USERNAME_TAKEN"));
  EXPECT_THAT(again,
              ViolatesFields(std::vector<std::string>{"account.username"}));
}

TEST_F(AccountAdminTest, RetriedCreateWithRequestIdReturnsTheFirst) {
  absl::StatusOr<AccountRecord> first =
      Create(admin_, User("anna"), "laba parole 2026", "req-1");
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<AccountRecord> second =
      Create(admin_, User("anna"), "laba parole 2026", "req-1");
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(first->id, second->id);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM accounts WHERE username = 'anna'"),
            1);
  // Another caller's request ids are their own.
  AccountRecord other_admin = MakeAccount("admin2", "admin-parole-2",
                                          {{Role::kNationalAdministrator, ""}});
  EXPECT_THAT(Create(other_admin, User("anna"), "laba parole 2026", "req-1"),
              HasReason("USERNAME_TAKEN"));
}

TEST_F(AccountAdminTest, InstitutionHeadCreatesStaffOfTheirOwnInstitution) {
  EXPECT_THAT(Create(head_, User("skolotaja",
                                 {{kPreparer, "institutions/skola1"},
                                  {static_cast<int>(Role::kMeasureProvider),
                                   "institutions/skola1"}})),
              IsOk());
  // Not for another institution, not another head, not a national role,
  // not a service account, not an account without roles.
  EXPECT_THAT(
      Create(head_, User("sveša", {{kPreparer, "institutions/skola2"}})),
      StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(
      Create(head_, User("jauns.direktors", {{kHead, "institutions/skola1"}})),
      StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Create(head_, User("x", {{kPreparer, "institutions/skola1"},
                                       {kPreparer, "institutions/skola2"}})),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Create(head_, User("admins2", {{kNational, ""}})),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Create(head_, User("bez.lomam")),
              StatusIs(absl::StatusCode::kPermissionDenied));
  NewAccount service = User("svc", {{kPreparer, "institutions/skola1"}});
  service.kind = kServiceKind;
  EXPECT_THAT(Create(head_, service, ""),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // Staff and anonymous callers create nothing.
  AccountRecord teacher = MakeAccount("pedagogs", "pedagoga-parole",
                                      {{Role::kPlanPreparer, "skola1"}});
  EXPECT_THAT(Create(teacher, User("y", {{kPreparer, "institutions/skola1"}})),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Create(AccountRecord{}, User("z")),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(AccountAdminTest, GetOwnOrAsAdministrator) {
  auto get = [&](const AccountRecord& caller, const std::string& id) {
    return Read<AccountRecord>([&](storage::Connection& c) {
      return GetAccount(c, CallBy(caller), id);
    });
  };
  absl::StatusOr<AccountRecord> own = get(head_, head_.id);
  ASSERT_THAT(own, IsOk());
  EXPECT_EQ(own->username, "direktors");
  EXPECT_THAT(get(head_, admin_.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // A missing account: NOT_FOUND for who could see any, otherwise the same
  // refusal as for an existing one.
  EXPECT_THAT(get(head_, "nosuchaccount"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(get(admin_, "nosuchaccount"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(get(admin_, head_.id), IsOk());
  absl::StatusOr<AccountRecord> me = Read<AccountRecord>(
      [&](storage::Connection& c) { return GetOwnAccount(c, CallBy(head_)); });
  ASSERT_THAT(me, IsOk());
  EXPECT_EQ(me->roles, head_.roles);
  EXPECT_THAT(Read<AccountRecord>([&](storage::Connection& c) {
                return GetOwnAccount(c, CallContext{});
              }),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(AccountAdminTest, ListPagesByUsername) {
  for (const char* name : {"zane", "baiba", "maris"}) {
    MakeAccount(name, "kaut kāda parole");
  }
  auto list = [&](const AccountRecord& caller, int size,
                  const std::string& token) {
    return Read<AccountPage>([&](storage::Connection& c) {
      return ListAccounts(c, CallBy(caller), size, token);
    });
  };
  std::vector<std::string> names;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<AccountPage> page = list(admin_, 2, token);
    ASSERT_THAT(page, IsOk());
    for (const AccountRecord& a : page->accounts) names.push_back(a.username);
    token = page->next_page_token;
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_THAT(names,
              ElementsAre("admin", "baiba", "direktors", "maris", "zane"));
  EXPECT_THAT(list(head_, 0, ""),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(list(admin_, -1, ""),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(list(admin_, 0, "garbage"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(AccountAdminTest, ResetPasswordRevokesSessions) {
  absl::StatusOr<IssuedSession> session =
      Write<IssuedSession>([&](storage::Connection& c) {
        return IssueSession(c, head_.id, absl::Now());
      });
  ASSERT_THAT(session, IsOk());
  auto reset = [&](const AccountRecord& caller, const std::string& id,
                   const std::string& password) {
    return Write<AccountRecord>([&](storage::Connection& c) {
      return ResetPassword(c, CallBy(caller), id, password, "", absl::Now());
    });
  };
  EXPECT_THAT(reset(head_, head_.id, "jauna parole 2026"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(reset(admin_, head_.id, "īsa"),
              ViolatesFields(std::vector<std::string>{"new_password"}));
  EXPECT_THAT(reset(admin_, "nosuchaccount", "jauna parole 2026"),
              StatusIs(absl::StatusCode::kNotFound));
  AccountRecord service = MakeAccount("svc", "");
  EXPECT_THAT(reset(admin_, service.id, "jauna parole 2026"),
              HasReason("SERVICE_ACCOUNT"));
  EXPECT_THAT(AuthenticateToken(session->access_token), IsOk());

  absl::StatusOr<AccountRecord> after =
      reset(admin_, head_.id, "jauna parole 2026");
  ASSERT_THAT(after, IsOk());
  EXPECT_TRUE(VerifyPassword("jauna parole 2026", after->password_hash));
  EXPECT_FALSE(VerifyPassword("direktora-parole", after->password_hash));
  EXPECT_THAT(AuthenticateToken(session->access_token),
              HasReason("INVALID_TOKEN"));
}

TEST_F(AccountAdminTest, HashNewPasswordOnlyForValidPasswords) {
  absl::StatusOr<std::string> none = HashNewPassword("short");
  ASSERT_THAT(none, IsOk());
  EXPECT_EQ(*none, "");
  absl::StatusOr<std::string> hash = HashNewPassword("pietiekami gara");
  ASSERT_THAT(hash, IsOk());
  EXPECT_THAT(*hash, ::testing::StartsWith("$argon2id$"));
}

}  // namespace
}  // namespace pumpurs::auth
