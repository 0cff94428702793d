// API keys: issued once to service accounts by administrators, stored as a
// hash, usable as a bearer token until revoked.

#include "server/auth/api_keys.h"

#include "tests/auth/auth_fixture.h"

namespace pumpurs::auth {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;

class ApiKeysTest : public AuthTest {
 protected:
  void SetUp() override {
    AuthTest::SetUp();
    admin_ = MakeAccount("admin", "admin-parole-1",
                         {{Role::kNationalAdministrator, ""}});
    service_ = MakeAccount("viis", "", {}, {"directory.read"});
  }
  absl::StatusOr<IssuedApiKey> Create(const AccountRecord& caller,
                                      const std::string& account_id) {
    return Write<IssuedApiKey>([&](storage::Connection& c) {
      return CreateApiKey(c, CallBy(caller), account_id, absl::Now());
    });
  }
  absl::Status Revoke(const AccountRecord& caller,
                      const std::string& account_id,
                      const std::string& key_id) {
    return db_->WriteSync(CallContext{}, [&](storage::Connection& c) {
      return RevokeApiKey(c, CallBy(caller), account_id, key_id);
    });
  }

  AccountRecord admin_;
  AccountRecord service_;
};

TEST_F(ApiKeysTest, KeyAuthenticatesUntilRevoked) {
  absl::StatusOr<IssuedApiKey> key = Create(admin_, service_.id);
  ASSERT_THAT(key, IsOk());
  EXPECT_THAT(key->key, ::testing::StartsWith("pak_"));
  EXPECT_EQ(key->account_id, service_.id);
  absl::StatusOr<CallContext> call = AuthenticateToken(key->key);
  ASSERT_THAT(call, IsOk());
  EXPECT_EQ(call->principal.account_id, service_.id);
  EXPECT_TRUE(call->principal.is_service);
  EXPECT_EQ(call->principal.api_key_id, key->id);
  EXPECT_EQ(call->principal.api_scopes,
            std::vector<std::string>{"directory.read"});
  // Only the hash is stored.
  EXPECT_EQ(QueryInt(absl::StrCat("SELECT count(*) FROM api_keys WHERE "
                                  "key_hash = '",
                                  SecretHash(key->key), "'")),
            1);

  ASSERT_THAT(Revoke(admin_, service_.id, key->id), IsOk());
  EXPECT_THAT(AuthenticateToken(key->key), HasReason("INVALID_TOKEN"));
  EXPECT_THAT(Revoke(admin_, service_.id, key->id), IsOk());  // again: no-op
}

TEST_F(ApiKeysTest, OnlyServiceAccountsHaveKeys) {
  EXPECT_THAT(Create(admin_, admin_.id), HasReason("NOT_A_SERVICE_ACCOUNT"));
  EXPECT_THAT(Create(admin_, admin_.id),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(Create(admin_, "nosuchaccount"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ApiKeysTest, OnlyAdministratorsIssueAndRevoke) {
  AccountRecord head = MakeAccount("direktors", "direktora-parole",
                                   {{Role::kInstitutionHead, "i1"}});
  EXPECT_THAT(Create(head, service_.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // A service account cannot give itself more keys either.
  EXPECT_THAT(Create(service_, service_.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  absl::StatusOr<IssuedApiKey> key = Create(admin_, service_.id);
  ASSERT_THAT(key, IsOk());
  EXPECT_THAT(Revoke(head, service_.id, key->id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(AuthenticateToken(key->key), IsOk());
  EXPECT_THAT(Revoke(admin_, service_.id, "nosuchkey"),
              StatusIs(absl::StatusCode::kNotFound));
  // A key is revoked only through its own account's name.
  EXPECT_THAT(Revoke(admin_, admin_.id, key->id),
              StatusIs(absl::StatusCode::kNotFound));
  CallContext anonymous;
  EXPECT_THAT(db_->WriteSync(CallContext{},
                             [&](storage::Connection& c) {
                               return CreateApiKey(c, anonymous, service_.id,
                                                   absl::Now())
                                   .status();
                             }),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

}  // namespace
}  // namespace pumpurs::auth
