// SQLite result codes become canonical codes with reasons, and the message
// never carries SQL text, values or SQLite's own error message.

#include "server/storage/sqlite_status.h"

#include <sqlite3.h>

#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/log.h"
#include "server/storage/connection.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace pumpurs::storage {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

struct Case {
  int rc;
  absl::StatusCode code;
  const char* reason;
};

class SqliteStatusTest : public ::testing::Test {
 protected:
  void SetUp() override { SetLoggingEnabled(false); }
  void TearDown() override { SetLoggingEnabled(true); }
};

TEST_F(SqliteStatusTest, SuccessCodesAreOk) {
  EXPECT_THAT(SqliteStatus(SQLITE_OK, nullptr, "x"), IsOk());
  EXPECT_THAT(SqliteStatus(SQLITE_DONE, nullptr, "x"), IsOk());
  EXPECT_THAT(SqliteStatus(SQLITE_ROW, nullptr, "x"), IsOk());
}

TEST_F(SqliteStatusTest, MapsResultCodes) {
  const Case cases[] = {
      {SQLITE_CONSTRAINT_UNIQUE, absl::StatusCode::kAlreadyExists,
       "ALREADY_EXISTS"},
      {SQLITE_CONSTRAINT_PRIMARYKEY, absl::StatusCode::kAlreadyExists,
       "ALREADY_EXISTS"},
      {SQLITE_CONSTRAINT_NOTNULL, absl::StatusCode::kFailedPrecondition,
       "CONSTRAINT_VIOLATION"},
      {SQLITE_CONSTRAINT_CHECK, absl::StatusCode::kFailedPrecondition,
       "CONSTRAINT_VIOLATION"},
      {SQLITE_CONSTRAINT_FOREIGNKEY, absl::StatusCode::kFailedPrecondition,
       "CONSTRAINT_VIOLATION"},
      {SQLITE_CONSTRAINT, absl::StatusCode::kFailedPrecondition,
       "CONSTRAINT_VIOLATION"},
      {SQLITE_BUSY, absl::StatusCode::kUnavailable, "STORAGE_BUSY"},
      {SQLITE_BUSY_SNAPSHOT, absl::StatusCode::kUnavailable, "STORAGE_BUSY"},
      {SQLITE_LOCKED, absl::StatusCode::kUnavailable, "STORAGE_BUSY"},
      {SQLITE_INTERRUPT, absl::StatusCode::kCancelled, "QUERY_INTERRUPTED"},
      {SQLITE_CORRUPT, absl::StatusCode::kDataLoss, "STORAGE_CORRUPT"},
      {SQLITE_NOTADB, absl::StatusCode::kDataLoss, "STORAGE_CORRUPT"},
      {SQLITE_FULL, absl::StatusCode::kUnavailable, "STORAGE_IO"},
      {SQLITE_IOERR, absl::StatusCode::kUnavailable, "STORAGE_IO"},
      {SQLITE_IOERR_FSYNC, absl::StatusCode::kUnavailable, "STORAGE_IO"},
      {SQLITE_CANTOPEN, absl::StatusCode::kUnavailable, "STORAGE_IO"},
      {SQLITE_READONLY, absl::StatusCode::kFailedPrecondition,
       "STORAGE_READONLY"},
      {SQLITE_PERM, absl::StatusCode::kFailedPrecondition, "STORAGE_READONLY"},
      {SQLITE_ERROR, absl::StatusCode::kInternal, "STORAGE_ERROR"},
      {SQLITE_MISUSE, absl::StatusCode::kInternal, "STORAGE_ERROR"},
      {SQLITE_RANGE, absl::StatusCode::kInternal, "STORAGE_ERROR"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(sqlite3_errstr(c.rc));
    absl::Status s = SqliteStatus(c.rc, nullptr, "run the thing");
    EXPECT_THAT(s, StatusIs(c.code));
    EXPECT_THAT(s, HasReason(c.reason));
  }
}

TEST_F(SqliteStatusTest, MessageNamesOnlyWhatWasDone) {
  absl::Status s = SqliteStatus(SQLITE_IOERR, nullptr, "commit");
  EXPECT_EQ(s.message(), "storage: commit failed");
  s = SqliteStatus(SQLITE_ERROR, nullptr, "prepare statement");
  EXPECT_EQ(s.message(), "storage: prepare statement failed");
}

class RealDatabaseTest : public SqliteStatusTest {
 protected:
  void SetUp() override {
    SqliteStatusTest::SetUp();
    auto conn =
        Connection::Open(dir_.File("t.db"), Connection::Mode::kReadWrite, {});
    ASSERT_THAT(conn, IsOk());
    conn_ = *std::move(conn);
    ASSERT_THAT(conn_->Exec("CREATE TABLE secrets_table (id INTEGER PRIMARY "
                            "KEY, code TEXT NOT NULL UNIQUE, n INTEGER "
                            "CHECK (n > 0));"
                            "INSERT INTO secrets_table VALUES "
                            "(1, 'Slepens-12345', 1);"),
                IsOk());
  }

  // The message a client could see must not leak SQL or stored values.
  static void ExpectNoLeak(const absl::Status& s) {
    std::string m(s.message());
    for (const char* leak : {"Slepens", "12345", "secrets_table", "INSERT",
                             "SELECT", "code", "constraint failed", "syntax"}) {
      EXPECT_THAT(m, Not(HasSubstr(leak))) << m;
    }
  }

  TempDir dir_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(RealDatabaseTest, UniqueViolationIsAlreadyExists) {
  absl::Status s = conn_->Exec(
      "INSERT INTO secrets_table (id, code, n) VALUES (2, 'Slepens-12345', 1)");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(s, HasReason("ALREADY_EXISTS"));
  ExpectNoLeak(s);
}

TEST_F(RealDatabaseTest, PrimaryKeyViolationIsAlreadyExists) {
  absl::Status s = conn_->Exec(
      "INSERT INTO secrets_table (id, code, n) VALUES (1, 'other', 1)");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kAlreadyExists));
  ExpectNoLeak(s);
}

TEST_F(RealDatabaseTest, OtherConstraintsAreFailedPrecondition) {
  absl::Status s = conn_->Exec(
      "INSERT INTO secrets_table (id, code, n) VALUES (3, 'Slepens-x', 0)");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(s, HasReason("CONSTRAINT_VIOLATION"));
  ExpectNoLeak(s);
  s = conn_->Exec("INSERT INTO secrets_table (id, n) VALUES (4, 1)");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  ExpectNoLeak(s);
}

TEST_F(RealDatabaseTest, SyntaxErrorIsInternalWithoutSql) {
  absl::Status s = conn_->Exec(
      "SELEKT code FROM secrets_table WHERE code = "
      "'Slepens-12345'");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInternal));
  ExpectNoLeak(s);
  absl::StatusOr<Statement> stmt =
      conn_->Prepare("SELECT nonexistent FROM secrets_table");
  EXPECT_THAT(stmt, StatusIs(absl::StatusCode::kInternal));
  ExpectNoLeak(stmt.status());
}

TEST_F(RealDatabaseTest, BusyIsUnavailable) {
  ConnectionOptions impatient;
  impatient.busy_timeout = absl::Milliseconds(10);
  auto other = Connection::Open(dir_.File("t.db"), Connection::Mode::kReadWrite,
                                impatient);
  ASSERT_THAT(other, IsOk());
  ASSERT_THAT(conn_->Exec("BEGIN IMMEDIATE"), IsOk());
  absl::Status s = (*other)->Exec("BEGIN IMMEDIATE");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(s, HasReason("STORAGE_BUSY"));
  ASSERT_THAT(conn_->Exec("ROLLBACK"), IsOk());
}

TEST_F(RealDatabaseTest, InterruptIsCancelled) {
  CallContext call;
  call.Cancel();
  conn_->set_call(&call);
  absl::StatusOr<int64_t> n = conn_->QueryInt(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
      "WHERE x < 1000000000) SELECT count(*) FROM c");
  conn_->set_call(nullptr);
  EXPECT_THAT(n, StatusIs(absl::StatusCode::kCancelled));
  EXPECT_THAT(n, HasReason("QUERY_INTERRUPTED"));
}

TEST_F(SqliteStatusTest, GarbageFileIsDataLoss) {
  TempDir dir;
  std::string path = dir.File("garbage.db");
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 1000; ++i) out << "this is not an SQLite database ";
  }
  auto conn = Connection::Open(path, Connection::Mode::kReadWrite, {});
  EXPECT_THAT(conn, StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(conn, HasReason("STORAGE_CORRUPT"));
}

TEST_F(SqliteStatusTest, MissingFileForReaderIsUnavailable) {
  TempDir dir;
  auto conn =
      Connection::Open(dir.File("missing.db"), Connection::Mode::kReadOnly, {});
  EXPECT_THAT(conn, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(conn, HasReason("STORAGE_IO"));
}

}  // namespace
}  // namespace pumpurs::storage
