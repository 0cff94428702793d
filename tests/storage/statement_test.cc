// Statements: every bind and column type, NULL handling, bind errors
// reported by Step, and the per-connection cache (reuse, reset between users,
// a private statement for a second concurrent user of the same SQL).

#include "server/storage/statement.h"

#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/log.h"
#include "server/storage/connection.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace pumpurs::storage {
namespace {

using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TempDir;

class StatementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLoggingEnabled(false);
    auto conn =
        Connection::Open(dir_.File("s.db"), Connection::Mode::kReadWrite, {});
    ASSERT_THAT(conn, IsOk());
    conn_ = *std::move(conn);
    ASSERT_THAT(conn_->Exec("CREATE TABLE t (i INTEGER, s TEXT, d REAL, "
                            "b BLOB, o TEXT)"),
                IsOk());
  }
  void TearDown() override { SetLoggingEnabled(true); }

  // Prepared statements the connection holds (cached or in use).
  int PreparedCount() {
    int n = 0;
    for (sqlite3_stmt* s = sqlite3_next_stmt(conn_->raw(), nullptr);
         s != nullptr; s = sqlite3_next_stmt(conn_->raw(), s)) {
      ++n;
    }
    return n;
  }

  // typeof(?1) after binding with `bind`.
  template <typename F>
  std::string TypeOfBound(F bind) {
    absl::StatusOr<Statement> s = conn_->Prepare("SELECT typeof(?1)");
    EXPECT_THAT(s, IsOk());
    bind(*s);
    absl::StatusOr<bool> row = s->Step();
    EXPECT_THAT(row, IsOk());
    return s->ColumnText(0);
  }

  TempDir dir_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(StatementTest, BindsAndReadsEveryType) {
  std::string blob("\x00\x01\xff\xfe binary \x00", 13);
  std::string text("Ģirts \0 Ķēniņš", 20);
  {
    absl::StatusOr<Statement> ins =
        conn_->Prepare("INSERT INTO t (i, s, d, b, o) VALUES (?, ?, ?, ?, ?)");
    ASSERT_THAT(ins, IsOk());
    ins->Bind(1, int64_t{-9007199254740993})
        .Bind(2, text)
        .Bind(3, 2.5)
        .BindBlob(4, blob)
        .BindOptional(5, std::optional<std::string>("set"));
    ASSERT_THAT(ins->Run(), IsOk());
  }
  EXPECT_EQ(conn_->changes(), 1);
  absl::StatusOr<Statement> sel = conn_->Prepare("SELECT i, s, d, b, o FROM t");
  ASSERT_THAT(sel, IsOk());
  absl::StatusOr<bool> row = sel->Step();
  ASSERT_THAT(row, IsOk());
  ASSERT_TRUE(*row);
  EXPECT_EQ(sel->ColumnInt64(0), -9007199254740993);
  EXPECT_EQ(sel->ColumnText(1), text);  // embedded NUL kept
  EXPECT_DOUBLE_EQ(sel->ColumnDouble(2), 2.5);
  EXPECT_EQ(sel->ColumnText(3), blob);  // blob bytes unchanged
  EXPECT_EQ(sel->ColumnText(4), "set");
  for (int c = 0; c < 5; ++c) EXPECT_FALSE(sel->ColumnIsNull(c));
  row = sel->Step();
  ASSERT_THAT(row, IsOk());
  EXPECT_FALSE(*row);
}

TEST_F(StatementTest, NullHandling) {
  {
    absl::StatusOr<Statement> ins =
        conn_->Prepare("INSERT INTO t (i, s, o) VALUES (?, ?, ?)");
    ASSERT_THAT(ins, IsOk());
    ins->BindNull(1).BindNull(2).BindOptional(3, std::nullopt);
    ASSERT_THAT(ins->Run(), IsOk());
  }
  absl::StatusOr<Statement> sel = conn_->Prepare("SELECT i, s, d, b, o FROM t");
  ASSERT_THAT(sel, IsOk());
  ASSERT_TRUE(*sel->Step());
  for (int c = 0; c < 5; ++c) EXPECT_TRUE(sel->ColumnIsNull(c)) << c;
  EXPECT_EQ(sel->ColumnText(1), "");
  EXPECT_EQ(sel->ColumnInt64(0), 0);
  EXPECT_EQ(sel->ColumnDouble(2), 0.0);
}

TEST_F(StatementTest, OverloadsBindTheRightTypes) {
  EXPECT_EQ(TypeOfBound([](Statement& s) { s.Bind(1, int64_t{1}); }),
            "integer");
  EXPECT_EQ(TypeOfBound([](Statement& s) { s.Bind(1, 1.0); }), "real");
  EXPECT_EQ(TypeOfBound([](Statement& s) { s.Bind(1, "literal"); }), "text");
  EXPECT_EQ(TypeOfBound([](Statement& s) { s.Bind(1, std::string("x")); }),
            "text");
  EXPECT_EQ(TypeOfBound([](Statement& s) { s.BindBlob(1, "x"); }), "blob");
  EXPECT_EQ(TypeOfBound([](Statement& s) { s.BindNull(1); }), "null");
  EXPECT_EQ(TypeOfBound([](Statement& s) {
              s.BindOptional(1, std::optional<std::string>(""));
            }),
            "text");
  EXPECT_EQ(TypeOfBound([](Statement&) {}), "null");
}

TEST_F(StatementTest, EmptyTextAndBlobAreNotNull) {
  // A default absl::string_view has no data pointer; it must still bind an
  // empty value, not NULL (NULL would make `x = ?` and `(a, b) > (?, ?)`
  // quietly match nothing).
  EXPECT_EQ(TypeOfBound([](Statement& s) { s.Bind(1, absl::string_view()); }),
            "text");
  EXPECT_EQ(TypeOfBound([](Statement& s) { s.Bind(1, ""); }), "text");
  EXPECT_EQ(TypeOfBound([](Statement& s) { s.Bind(1, std::string()); }),
            "text");
  EXPECT_EQ(
      TypeOfBound([](Statement& s) { s.BindBlob(1, absl::string_view()); }),
      "blob");
  EXPECT_EQ(TypeOfBound([](Statement& s) { s.BindBlob(1, std::string()); }),
            "blob");
}

TEST_F(StatementTest, BindErrorIsReportedByStep) {
  absl::StatusOr<Statement> s = conn_->Prepare("SELECT ?1");
  ASSERT_THAT(s, IsOk());
  s->Bind(5, int64_t{1}).Bind(1, int64_t{2});  // 5 is out of range
  EXPECT_THAT(s->Step(), StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(s->Run(), StatusIs(absl::StatusCode::kInternal));
}

TEST_F(StatementTest, RunStepsThroughRows) {
  ASSERT_THAT(conn_->Exec("INSERT INTO t (i) VALUES (1), (2), (3)"), IsOk());
  absl::StatusOr<Statement> upd = conn_->Prepare("UPDATE t SET i = i * 10");
  ASSERT_THAT(upd, IsOk());
  ASSERT_THAT(upd->Run(), IsOk());
  EXPECT_EQ(conn_->changes(), 3);
  absl::StatusOr<Statement> sel = conn_->Prepare("SELECT i FROM t ORDER BY i");
  ASSERT_THAT(sel, IsOk());
  EXPECT_THAT(sel->Run(), IsOk());
}

TEST_F(StatementTest, StepReportsExecutionErrors) {
  ASSERT_THAT(conn_->Exec("CREATE TABLE u (k TEXT PRIMARY KEY)"), IsOk());
  ASSERT_THAT(conn_->Exec("INSERT INTO u VALUES ('a')"), IsOk());
  absl::StatusOr<Statement> ins = conn_->Prepare("INSERT INTO u VALUES (?)");
  ASSERT_THAT(ins, IsOk());
  ins->Bind(1, "a");
  EXPECT_THAT(ins->Step(), StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST_F(StatementTest, CacheReusesOneStatementPerSql) {
  const int before = PreparedCount();
  for (int i = 0; i < 10; ++i) {
    absl::StatusOr<Statement> s = conn_->Prepare("SELECT 1 + ?");
    ASSERT_THAT(s, IsOk());
    s->Bind(1, int64_t{i});
    ASSERT_TRUE(*s->Step());
    EXPECT_EQ(s->ColumnInt64(0), 1 + i);
  }
  EXPECT_EQ(PreparedCount(), before + 1);
}

TEST_F(StatementTest, ReusedStatementStartsClean) {
  ASSERT_THAT(conn_->Exec("INSERT INTO t (i) VALUES (1), (2), (3)"), IsOk());
  const char* kSql = "SELECT i, ?1 FROM t ORDER BY i";
  {
    absl::StatusOr<Statement> s = conn_->Prepare(kSql);
    ASSERT_THAT(s, IsOk());
    s->Bind(1, "bound");
    ASSERT_TRUE(*s->Step());
    ASSERT_TRUE(*s->Step());
    EXPECT_EQ(s->ColumnInt64(0), 2);
    // Dropped mid-iteration with a binding in place.
  }
  absl::StatusOr<Statement> s = conn_->Prepare(kSql);
  ASSERT_THAT(s, IsOk());
  ASSERT_TRUE(*s->Step());
  EXPECT_EQ(s->ColumnInt64(0), 1);  // reset: starts from the first row
  EXPECT_TRUE(s->ColumnIsNull(1));  // bindings cleared
}

TEST_F(StatementTest, SecondConcurrentPrepareGetsPrivateStatement) {
  ASSERT_THAT(conn_->Exec("INSERT INTO t (i) VALUES (1), (2), (3)"), IsOk());
  const char* kSql = "SELECT i FROM t ORDER BY i";
  const int before = PreparedCount();
  absl::StatusOr<Statement> a = conn_->Prepare(kSql);
  ASSERT_THAT(a, IsOk());
  ASSERT_TRUE(*a->Step());
  EXPECT_EQ(a->ColumnInt64(0), 1);
  {
    absl::StatusOr<Statement> b = conn_->Prepare(kSql);
    ASSERT_THAT(b, IsOk());
    EXPECT_EQ(PreparedCount(), before + 2);
    absl::StatusOr<Statement> c = conn_->Prepare(kSql);
    ASSERT_THAT(c, IsOk());
    EXPECT_EQ(PreparedCount(), before + 3);
    // Each handle iterates on its own.
    for (int want = 1; want <= 3; ++want) {
      ASSERT_TRUE(*b->Step());
      EXPECT_EQ(b->ColumnInt64(0), want);
    }
    EXPECT_FALSE(*b->Step());
    ASSERT_TRUE(*c->Step());
    EXPECT_EQ(c->ColumnInt64(0), 1);
  }
  // The private statements are finalized; the cached one is still a's.
  EXPECT_EQ(PreparedCount(), before + 1);
  ASSERT_TRUE(*a->Step());
  EXPECT_EQ(a->ColumnInt64(0), 2);
}

TEST_F(StatementTest, CachedStatementFreedForReuseWhenHandleDies) {
  const char* kSql = "SELECT 42";
  const int before = PreparedCount();
  { ASSERT_THAT(conn_->Prepare(kSql), IsOk()); }
  {
    absl::StatusOr<Statement> again = conn_->Prepare(kSql);
    ASSERT_THAT(again, IsOk());
    EXPECT_EQ(PreparedCount(), before + 1);  // the cached one, not a new one
    ASSERT_TRUE(*again->Step());
    EXPECT_EQ(again->ColumnInt64(0), 42);
  }
}

TEST_F(StatementTest, MovedHandleKeepsTheCacheSlot) {
  const char* kSql = "SELECT 7";
  const int before = PreparedCount();
  absl::StatusOr<Statement> a = conn_->Prepare(kSql);
  ASSERT_THAT(a, IsOk());
  std::optional<Statement> moved;
  moved.emplace(std::move(*a));
  a = absl::UnknownError("dropped");  // destroys the moved-from handle
  // The slot still belongs to `moved`, so another user gets a private one.
  {
    absl::StatusOr<Statement> b = conn_->Prepare(kSql);
    ASSERT_THAT(b, IsOk());
    EXPECT_EQ(PreparedCount(), before + 2);
  }
  ASSERT_TRUE(*moved->Step());
  EXPECT_EQ(moved->ColumnInt64(0), 7);
  moved.reset();
  {
    absl::StatusOr<Statement> c = conn_->Prepare(kSql);
    ASSERT_THAT(c, IsOk());
    EXPECT_EQ(PreparedCount(), before + 1);
  }
}

TEST_F(StatementTest, PrepareErrorIsNotCached) {
  EXPECT_THAT(conn_->Prepare("SELECT FROM nowhere"),
              StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(conn_->Prepare("SELECT FROM nowhere"),
              StatusIs(absl::StatusCode::kInternal));
}

}  // namespace
}  // namespace pumpurs::storage
