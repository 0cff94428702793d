// request_id idempotency records: found only for the same caller, method
// and id, remembered once, and only if the transaction commits.

#include "server/storage/request_ids.h"

#include <memory>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/log.h"
#include "server/storage/migrations.h"
#include "server/storage/transaction.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace pumpurs::storage {
namespace {

using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TempDir;
using ::testing::Optional;

class RequestIdsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLoggingEnabled(false);
    auto conn =
        Connection::Open(dir_.File("r.db"), Connection::Mode::kReadWrite, {});
    ASSERT_THAT(conn, IsOk());
    conn_ = *std::move(conn);
    ASSERT_THAT(Migrate(*conn_, SchemaMigrations()), IsOk());
  }
  void TearDown() override { SetLoggingEnabled(true); }

  std::optional<std::string> Find(absl::string_view caller,
                                  absl::string_view method,
                                  absl::string_view request_id) {
    auto found = RequestIds::Find(*conn_, caller, method, request_id);
    EXPECT_THAT(found, IsOk());
    return found.ok() ? *found : std::nullopt;
  }

  TempDir dir_;
  std::unique_ptr<Connection> conn_;
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
};

TEST_F(RequestIdsTest, UnknownIsNotFound) {
  EXPECT_EQ(Find("alice", "CreateInstitution", "r1"), std::nullopt);
}

TEST_F(RequestIdsTest, RememberThenFind) {
  ASSERT_THAT(RequestIds::Remember(*conn_, "alice", "CreateInstitution", "r1",
                                   "institutions/abc", now_),
              IsOk());
  EXPECT_THAT(Find("alice", "CreateInstitution", "r1"),
              Optional(std::string("institutions/abc")));
  EXPECT_EQ(*conn_->QueryInt("SELECT create_time FROM request_ids"),
            absl::ToUnixMicros(now_));
}

TEST_F(RequestIdsTest, ScopedPerCallerAndMethod) {
  ASSERT_THAT(RequestIds::Remember(*conn_, "alice", "CreateInstitution", "r1",
                                   "institutions/abc", now_),
              IsOk());
  EXPECT_EQ(Find("bob", "CreateInstitution", "r1"), std::nullopt);
  EXPECT_EQ(Find("alice", "CreateMunicipality", "r1"), std::nullopt);
  EXPECT_EQ(Find("alice", "CreateInstitution", "r2"), std::nullopt);
  EXPECT_EQ(Find("alice", "CreateInstitution", "R1"), std::nullopt);
  // Each scope may hold the same id.
  ASSERT_THAT(RequestIds::Remember(*conn_, "bob", "CreateInstitution", "r1",
                                   "institutions/def", now_),
              IsOk());
  ASSERT_THAT(RequestIds::Remember(*conn_, "alice", "CreateMunicipality", "r1",
                                   "municipalities/ghi", now_),
              IsOk());
  EXPECT_THAT(Find("alice", "CreateInstitution", "r1"),
              Optional(std::string("institutions/abc")));
  EXPECT_THAT(Find("bob", "CreateInstitution", "r1"),
              Optional(std::string("institutions/def")));
  EXPECT_THAT(Find("alice", "CreateMunicipality", "r1"),
              Optional(std::string("municipalities/ghi")));
}

TEST_F(RequestIdsTest, RememberingTwiceIsRefused) {
  ASSERT_THAT(RequestIds::Remember(*conn_, "alice", "M", "r1", "x/1", now_),
              IsOk());
  EXPECT_THAT(RequestIds::Remember(*conn_, "alice", "M", "r1", "x/2", now_),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(Find("alice", "M", "r1"), Optional(std::string("x/1")));
}

TEST_F(RequestIdsTest, ForgottenWhenTheTransactionRollsBack) {
  {
    absl::StatusOr<Transaction> txn =
        Transaction::Begin(*conn_, Transaction::Kind::kImmediate);
    ASSERT_THAT(txn, IsOk());
    ASSERT_THAT(RequestIds::Remember(*conn_, "alice", "M", "r1", "x/1", now_),
                IsOk());
    EXPECT_THAT(Find("alice", "M", "r1"), Optional(std::string("x/1")));
  }
  EXPECT_EQ(Find("alice", "M", "r1"), std::nullopt);
}

TEST_F(RequestIdsTest, IdsAreMatchedExactly) {
  ASSERT_THAT(RequestIds::Remember(*conn_, "alice", "M", "abc", "x/1", now_),
              IsOk());
  EXPECT_EQ(Find("alice", "M", "ab"), std::nullopt);
  EXPECT_EQ(Find("alice", "M", "abc "), std::nullopt);
  EXPECT_EQ(Find("alice", "M", "%"), std::nullopt);
}

}  // namespace
}  // namespace pumpurs::storage
