// Connections: the PRAGMAs they promise, read-only readers, helpers, and the
// progress handler that interrupts the current call's query.

#include "server/storage/connection.h"

#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
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

constexpr char kCountToBillion[] =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
    "WHERE x < 1000000000) SELECT count(*) FROM c";

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override { SetLoggingEnabled(false); }
  void TearDown() override { SetLoggingEnabled(true); }

  std::unique_ptr<Connection> Open(Connection::Mode mode,
                                   ConnectionOptions options = {}) {
    auto conn = Connection::Open(path_, mode, options);
    EXPECT_THAT(conn, IsOk());
    return conn.ok() ? *std::move(conn) : nullptr;
  }

  std::string QueryText(Connection& conn, absl::string_view sql) {
    absl::StatusOr<Statement> s = conn.Prepare(sql);
    EXPECT_THAT(s, IsOk());
    if (!s.ok()) return "";
    absl::StatusOr<bool> row = s->Step();
    EXPECT_THAT(row, IsOk());
    return row.ok() && *row ? s->ColumnText(0) : "";
  }

  TempDir dir_;
  std::string path_ = dir_.File("c.db");
};

TEST_F(ConnectionTest, WriterPragmas) {
  auto conn = Open(Connection::Mode::kReadWrite);
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(QueryText(*conn, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(*conn->QueryInt("PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(*conn->QueryInt("PRAGMA foreign_keys"), 1);
  EXPECT_EQ(*conn->QueryInt("PRAGMA wal_autocheckpoint"), 0);
  EXPECT_EQ(*conn->QueryInt("PRAGMA query_only"), 0);
  EXPECT_EQ(*conn->QueryInt("PRAGMA busy_timeout"), 5000);
}

TEST_F(ConnectionTest, ReaderPragmas) {
  auto writer = Open(Connection::Mode::kReadWrite);
  ASSERT_NE(writer, nullptr);
  auto reader = Open(Connection::Mode::kReadOnly);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(QueryText(*reader, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(*reader->QueryInt("PRAGMA synchronous"), 2);
  EXPECT_EQ(*reader->QueryInt("PRAGMA query_only"), 1);
  EXPECT_EQ(*reader->QueryInt("PRAGMA foreign_keys"), 1);
}

TEST_F(ConnectionTest, DurabilityAndBusyTimeoutOptions) {
  ConnectionOptions options;
  options.durability = Durability::kNormal;
  options.busy_timeout = absl::Milliseconds(250);
  auto conn = Open(Connection::Mode::kReadWrite, options);
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(*conn->QueryInt("PRAGMA synchronous"), 1);  // NORMAL
  EXPECT_EQ(*conn->QueryInt("PRAGMA busy_timeout"), 250);
}

TEST_F(ConnectionTest, ReaderCannotWrite) {
  auto writer = Open(Connection::Mode::kReadWrite);
  ASSERT_NE(writer, nullptr);
  ASSERT_THAT(writer->Exec("CREATE TABLE t (x INTEGER)"), IsOk());
  auto reader = Open(Connection::Mode::kReadOnly);
  ASSERT_NE(reader, nullptr);
  EXPECT_THAT(reader->Exec("INSERT INTO t VALUES (1)"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(reader->Exec("CREATE TABLE u (x INTEGER)"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  // Turning query_only off is refused too by the read-only open.
  (void)reader->Exec("PRAGMA query_only=OFF");
  EXPECT_FALSE(reader->Exec("INSERT INTO t VALUES (1)").ok());
  EXPECT_EQ(*writer->QueryInt("SELECT count(*) FROM t"), 0);
}

TEST_F(ConnectionTest, ReaderSeesCommittedWrites) {
  auto writer = Open(Connection::Mode::kReadWrite);
  ASSERT_THAT(writer->Exec("CREATE TABLE t (x INTEGER);"
                           "INSERT INTO t VALUES (1), (2);"),
              IsOk());
  auto reader = Open(Connection::Mode::kReadOnly);
  EXPECT_EQ(*reader->QueryInt("SELECT sum(x) FROM t"), 3);
  ASSERT_THAT(writer->Exec("INSERT INTO t VALUES (3)"), IsOk());
  EXPECT_EQ(*reader->QueryInt("SELECT sum(x) FROM t"), 6);
}

TEST_F(ConnectionTest, ExecRunsScripts) {
  auto conn = Open(Connection::Mode::kReadWrite);
  ASSERT_THAT(conn->Exec("CREATE TABLE a (x); CREATE TABLE b (y);"
                         "INSERT INTO a VALUES (1); INSERT INTO b VALUES (2);"),
              IsOk());
  EXPECT_EQ(*conn->QueryInt("SELECT (SELECT x FROM a) + (SELECT y FROM b)"), 3);
  // A failing statement stops the script.
  EXPECT_FALSE(conn->Exec("INSERT INTO a VALUES (5); INSERT INTO nope "
                          "VALUES (1); INSERT INTO a VALUES (6);")
                   .ok());
  EXPECT_EQ(*conn->QueryInt("SELECT count(*) FROM a"), 2);
}

TEST_F(ConnectionTest, QueryIntNeedsARow) {
  auto conn = Open(Connection::Mode::kReadWrite);
  ASSERT_THAT(conn->Exec("CREATE TABLE t (x INTEGER)"), IsOk());
  EXPECT_THAT(conn->QueryInt("SELECT x FROM t"),
              StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(conn->QueryInt("SELECT nope FROM t"),
              StatusIs(absl::StatusCode::kInternal));
}

TEST_F(ConnectionTest, ChangesCountsRows) {
  auto conn = Open(Connection::Mode::kReadWrite);
  ASSERT_THAT(conn->Exec("CREATE TABLE t (x INTEGER);"
                         "INSERT INTO t VALUES (1), (2), (3), (4);"),
              IsOk());
  ASSERT_THAT(conn->Exec("UPDATE t SET x = 0 WHERE x > 1"), IsOk());
  EXPECT_EQ(conn->changes(), 3);
  ASSERT_THAT(conn->Exec("DELETE FROM t WHERE x = 99"), IsOk());
  EXPECT_EQ(conn->changes(), 0);
}

TEST_F(ConnectionTest, ForeignKeysAreEnforced) {
  auto conn = Open(Connection::Mode::kReadWrite);
  ASSERT_THAT(conn->Exec("CREATE TABLE p (id TEXT PRIMARY KEY);"
                         "CREATE TABLE c (p TEXT REFERENCES p(id));"),
              IsOk());
  EXPECT_THAT(conn->Exec("INSERT INTO c VALUES ('missing')"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(ConnectionTest, NoCallMeansNoInterruption) {
  auto conn = Open(Connection::Mode::kReadWrite);
  EXPECT_EQ(conn->call(), nullptr);
  EXPECT_EQ(*conn->QueryInt("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
                            "SELECT x + 1 FROM c WHERE x < 100000) "
                            "SELECT count(*) FROM c"),
            100000);
}

TEST_F(ConnectionTest, CancelledCallInterruptsQuery) {
  auto conn = Open(Connection::Mode::kReadWrite);
  CallContext call;
  conn->set_call(&call);
  EXPECT_EQ(conn->call(), &call);
  absl::Notification cancelled;
  std::thread canceller([&] {
    absl::SleepFor(absl::Milliseconds(50));
    call.Cancel();
  });
  absl::Time start = absl::Now();
  absl::StatusOr<int64_t> n = conn->QueryInt(kCountToBillion);
  canceller.join();
  EXPECT_THAT(n, StatusIs(absl::StatusCode::kCancelled));
  EXPECT_THAT(n, HasReason("QUERY_INTERRUPTED"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  // Once the call is gone the connection works normally again.
  conn->set_call(nullptr);
  EXPECT_EQ(*conn->QueryInt("SELECT 5"), 5);
}

TEST_F(ConnectionTest, ExpiredCallInterruptsQuery) {
  auto conn = Open(Connection::Mode::kReadWrite);
  CallContext call;
  call.deadline = absl::Now() + absl::Milliseconds(50);
  conn->set_call(&call);
  absl::Time start = absl::Now();
  absl::StatusOr<int64_t> n = conn->QueryInt(kCountToBillion);
  EXPECT_THAT(n, StatusIs(absl::StatusCode::kCancelled));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  conn->set_call(nullptr);
}

TEST_F(ConnectionTest, OpenRefusesMissingFileForReaders) {
  EXPECT_FALSE(
      Connection::Open(dir_.File("nope.db"), Connection::Mode::kReadOnly, {})
          .ok());
  EXPECT_FALSE(Connection::Open(dir_.File("no/such/dir.db"),
                                Connection::Mode::kReadWrite, {})
                   .ok());
}

}  // namespace
}  // namespace pumpurs::storage
