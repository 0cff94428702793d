#include "server/auth/bootstrap.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/auth/login.h"
#include "tests/auth/auth_fixture.h"

namespace pumpurs::auth {
namespace {

using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;

class BootstrapTest : public AuthTest {
 protected:
  absl::StatusOr<bool> Bootstrap(const std::string& username,
                                 const std::string& password) {
    return Write<bool>([&](storage::Connection& c) {
      return BootstrapAdmin(c, username, password, absl::Now());
    });
  }
};

TEST_F(BootstrapTest, CreatesTheFirstAdministratorWhoCanSignIn) {
  absl::StatusOr<bool> created = Bootstrap("ikvd.admin", "a-long-secret-1");
  ASSERT_THAT(created, IsOk());
  EXPECT_TRUE(*created);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM role_bindings WHERE role = 6"), 1);
  absl::StatusOr<LoginCheck> check =
      Read<LoginCheck>([](storage::Connection& c) {
        return CheckPassword(c, "ikvd.admin", "a-long-secret-1", absl::Now());
      });
  ASSERT_THAT(check, IsOk());
  EXPECT_TRUE(check->password_ok);
}

TEST_F(BootstrapTest, DoesNothingWhenTheAccountExists) {
  ASSERT_THAT(Bootstrap("ikvd.admin", "a-long-secret-1"), IsOk());
  absl::StatusOr<bool> again = Bootstrap("ikvd.admin", "another-secret-2");
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE(*again);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM accounts"), 1);
  absl::StatusOr<LoginCheck> check =
      Read<LoginCheck>([](storage::Connection& c) {
        return CheckPassword(c, "ikvd.admin", "a-long-secret-1", absl::Now());
      });
  ASSERT_THAT(check, IsOk());
  EXPECT_TRUE(check->password_ok);  // the first password still holds
}

TEST_F(BootstrapTest, RefusesWeakPasswordsAndBadNamesStoringNothing) {
  EXPECT_THAT(Bootstrap("ikvd.admin", "short"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Bootstrap("Not Valid", "a-long-secret-1"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM accounts"), 0);
}

}  // namespace
}  // namespace pumpurs::auth
