// The product schema: numbered migrations that apply to a fresh file and
// whose tables enforce the rules the code relies on.

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/log.h"
#include "server/storage/connection.h"
#include "server/storage/migrations.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace pumpurs::storage {
namespace {

using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TempDir;

class SchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLoggingEnabled(false);
    auto conn =
        Connection::Open(dir_.File("s.db"), Connection::Mode::kReadWrite, {});
    ASSERT_THAT(conn, IsOk());
    conn_ = *std::move(conn);
    absl::StatusOr<int> v = Migrate(*conn_, SchemaMigrations());
    ASSERT_THAT(v, IsOk());
    version_ = *v;
    ASSERT_THAT(
        conn_->Exec("INSERT INTO municipalities VALUES ('m1', 'Rīga', x'01', "
                    "'0010000', 1, 0, 0);"
                    "INSERT INTO institutions VALUES ('i1', 'Skola', x'01', 1, "
                    "'m1', '4000000001', 1, 0, 0);"),
        IsOk());
  }
  void TearDown() override { SetLoggingEnabled(true); }

  bool Exists(const std::string& type, const std::string& name) {
    absl::StatusOr<Statement> s = conn_->Prepare(
        "SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?");
    EXPECT_THAT(s, IsOk());
    s->Bind(1, type).Bind(2, name);
    return *s->Step();
  }

  TempDir dir_;
  std::unique_ptr<Connection> conn_;
  int version_ = 0;
};

TEST_F(SchemaTest, MigrationsAreNumberedFromOne) {
  absl::Span<const Migration> all = SchemaMigrations();
  ASSERT_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].version, static_cast<int>(i) + 1);
    EXPECT_FALSE(all[i].description.empty());
    EXPECT_FALSE(all[i].sql.empty());
  }
  EXPECT_EQ(version_, static_cast<int>(all.size()));
  EXPECT_EQ(*conn_->QueryInt("PRAGMA user_version"), version_);
}

TEST_F(SchemaTest, CreatesTablesAndIndexes) {
  for (const char* table :
       {"municipalities", "institutions", "staff", "pupils", "guardians",
        "guardian_pupils", "login_failures", "request_ids"}) {
    EXPECT_TRUE(Exists("table", table)) << table;
  }
  for (const char* index :
       {"municipalities_by_sort_key", "institutions_by_sort_key",
        "institutions_by_municipality", "staff_by_institution",
        "pupils_by_institution", "guardian_pupils_by_pupil",
        "login_failures_by_time"}) {
    EXPECT_TRUE(Exists("index", index)) << index;
  }
}

TEST_F(SchemaTest, TablesAreStrict) {
  EXPECT_FALSE(conn_
                   ->Exec("INSERT INTO municipalities VALUES ('m2', 'X', "
                          "x'02', '0020000', 'one', 0, 0)")
                   .ok());
}

TEST_F(SchemaTest, UniqueKeys) {
  EXPECT_THAT(conn_->Exec("INSERT INTO municipalities VALUES ('m2', 'X', "
                          "x'02', '0010000', 1, 0, 0)"),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(conn_->Exec("INSERT INTO institutions VALUES ('i2', 'X', x'02', "
                          "1, 'm1', '4000000001', 1, 0, 0)"),
              StatusIs(absl::StatusCode::kAlreadyExists));
  ASSERT_THAT(conn_->Exec("INSERT INTO request_ids VALUES ('c', 'M', 'r', "
                          "'x/1', 0)"),
              IsOk());
  EXPECT_THAT(conn_->Exec("INSERT INTO request_ids VALUES ('c', 'M', 'r', "
                          "'x/2', 0)"),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(conn_->Exec("INSERT INTO request_ids VALUES ('c2', 'M', 'r', "
                          "'x/2', 0)"),
              IsOk());
}

TEST_F(SchemaTest, InstitutionKindIsChecked) {
  for (int kind : {0, 4}) {
    EXPECT_THAT(
        conn_->Exec("INSERT INTO institutions VALUES ('i9', 'X', "
                    "x'02', " +
                    std::to_string(kind) + ", 'm1', '4000000009', 1, 0, 0)"),
        StatusIs(absl::StatusCode::kFailedPrecondition));
  }
}

TEST_F(SchemaTest, ReferencesAreEnforced) {
  EXPECT_THAT(conn_->Exec("INSERT INTO institutions VALUES ('i2', 'X', x'02', "
                          "1, 'nope', '4000000002', 1, 0, 0)"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(conn_->Exec("INSERT INTO staff (id, institution_id, given_name, "
                          "family_name, sort_key, search_given, search_family, "
                          "position, version, create_time, update_time) "
                          "VALUES ('s1', 'nope', 'A', 'B', x'00', 'a', 'b', "
                          "1, 1, 0, 0)"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(conn_->Exec("DELETE FROM municipalities WHERE id = 'm1'"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace pumpurs::storage
