// Migrations: a fresh file reaches the latest version, re-running is a
// no-op, a newer file is refused, and a failing step applies nothing.

#include "server/storage/migrations.h"

#include <sqlite3.h>

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/log.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace pumpurs::storage {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TempDir;
using ::testing::HasSubstr;

constexpr Migration kThreeSteps[] = {
    {1, "create a", "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);"},
    {2, "create b", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (2);"},
    {3, "index b", "CREATE INDEX b_by_y ON b(y); INSERT INTO a VALUES (3);"},
};

constexpr Migration kThirdFails[] = {
    kThreeSteps[0],
    kThreeSteps[1],
    {3, "broken",
     "CREATE TABLE c (z INTEGER); INSERT INTO missing VALUES (1);"},
};

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLoggingEnabled(false);
    Reopen();
  }
  void TearDown() override { SetLoggingEnabled(true); }

  void Reopen() {
    conn_.reset();
    auto conn = Connection::Open(path_, Connection::Mode::kReadWrite, {});
    ASSERT_THAT(conn, IsOk());
    conn_ = *std::move(conn);
  }
  int64_t UserVersion() { return *conn_->QueryInt("PRAGMA user_version"); }
  bool HasTable(const std::string& name) {
    absl::StatusOr<Statement> s =
        conn_->Prepare("SELECT 1 FROM sqlite_master WHERE name = ?");
    EXPECT_THAT(s, IsOk());
    s->Bind(1, name);
    return *s->Step();
  }
  int64_t RowsInA() { return *conn_->QueryInt("SELECT count(*) FROM a"); }

  TempDir dir_;
  std::string path_ = dir_.File("m.db");
  std::unique_ptr<Connection> conn_;
};

TEST_F(MigrationsTest, FreshFileMigratesToLatest) {
  EXPECT_EQ(UserVersion(), 0);
  absl::StatusOr<int> v = Migrate(*conn_, kThreeSteps);
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(*v, 3);
  EXPECT_EQ(UserVersion(), 3);
  EXPECT_TRUE(HasTable("a"));
  EXPECT_TRUE(HasTable("b"));
  EXPECT_TRUE(HasTable("b_by_y"));
  EXPECT_EQ(RowsInA(), 3);
  EXPECT_NE(sqlite3_get_autocommit(conn_->raw()), 0);  // no open transaction
}

TEST_F(MigrationsTest, VersionIsStoredInTheFile) {
  ASSERT_THAT(Migrate(*conn_, kThreeSteps), IsOk());
  Reopen();
  EXPECT_EQ(UserVersion(), 3);
}

TEST_F(MigrationsTest, ReopenIsANoOp) {
  ASSERT_THAT(Migrate(*conn_, kThreeSteps), IsOk());
  Reopen();
  absl::StatusOr<int> v = Migrate(*conn_, kThreeSteps);
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(*v, 3);
  EXPECT_EQ(RowsInA(), 3);  // no step ran twice
  ASSERT_THAT(Migrate(*conn_, kThreeSteps), IsOk());
  EXPECT_EQ(RowsInA(), 3);
}

TEST_F(MigrationsTest, AppliesOnlyMissingSteps) {
  absl::StatusOr<int> v =
      Migrate(*conn_, absl::Span<const Migration>(kThreeSteps, 1));
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(*v, 1);
  EXPECT_EQ(UserVersion(), 1);
  EXPECT_FALSE(HasTable("b"));
  Reopen();
  v = Migrate(*conn_, kThreeSteps);
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(*v, 3);
  EXPECT_EQ(RowsInA(), 3);  // step 1 not repeated
}

TEST_F(MigrationsTest, NewerFileIsRefused) {
  ASSERT_THAT(Migrate(*conn_, kThreeSteps), IsOk());
  ASSERT_THAT(conn_->Exec("PRAGMA user_version=7"), IsOk());
  Reopen();
  absl::StatusOr<int> v = Migrate(*conn_, kThreeSteps);
  EXPECT_THAT(v, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(v, HasReason("SCHEMA_TOO_NEW"));
  std::string message(v.status().message());
  EXPECT_THAT(message, HasSubstr("7"));
  EXPECT_THAT(message, HasSubstr("3"));
  EXPECT_THAT(message, HasSubstr("newer"));
  // Untouched, and no transaction left open.
  EXPECT_EQ(UserVersion(), 7);
  EXPECT_EQ(RowsInA(), 3);
  EXPECT_NE(sqlite3_get_autocommit(conn_->raw()), 0);
}

TEST_F(MigrationsTest, FailingStepOnFreshFileAppliesNothing) {
  absl::StatusOr<int> v = Migrate(*conn_, kThirdFails);
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(UserVersion(), 0);
  EXPECT_FALSE(HasTable("a"));  // earlier steps of the same run undone too
  EXPECT_FALSE(HasTable("b"));
  EXPECT_FALSE(HasTable("c"));
  EXPECT_NE(sqlite3_get_autocommit(conn_->raw()), 0);
}

TEST_F(MigrationsTest, FailingStepLeavesFileAtOldVersion) {
  ASSERT_THAT(Migrate(*conn_, absl::Span<const Migration>(kThreeSteps, 1)),
              IsOk());
  Reopen();
  EXPECT_FALSE(Migrate(*conn_, kThirdFails).ok());
  EXPECT_EQ(UserVersion(), 1);
  EXPECT_TRUE(HasTable("a"));
  EXPECT_FALSE(HasTable("b"));
  EXPECT_FALSE(HasTable("c"));
  EXPECT_EQ(RowsInA(), 1);
  // The fixed migrations then apply cleanly.
  absl::StatusOr<int> v = Migrate(*conn_, kThreeSteps);
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(*v, 3);
}

TEST_F(MigrationsTest, MisnumberedMigrationsAreRefused) {
  constexpr Migration kGap[] = {
      {1, "one", "CREATE TABLE a (x INTEGER);"},
      {3, "three", "CREATE TABLE b (x INTEGER);"},
  };
  EXPECT_THAT(Migrate(*conn_, kGap), StatusIs(absl::StatusCode::kInternal));
  EXPECT_FALSE(HasTable("a"));
  constexpr Migration kZero[] = {{0, "zero", "CREATE TABLE a (x INTEGER);"}};
  EXPECT_THAT(Migrate(*conn_, kZero), StatusIs(absl::StatusCode::kInternal));
}

TEST_F(MigrationsTest, NoMigrationsIsVersionZero) {
  absl::StatusOr<int> v = Migrate(*conn_, {});
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(*v, 0);
}

}  // namespace
}  // namespace pumpurs::storage
