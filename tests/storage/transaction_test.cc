// Transaction and Savepoint RAII: nothing is kept unless committed or
// released, moves transfer the duty, and a failed COMMIT leaves the
// connection usable.

#include "server/storage/transaction.h"

#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/log.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace pumpurs::storage {
namespace {

using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TempDir;

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLoggingEnabled(false);
    ConnectionOptions impatient;
    impatient.busy_timeout = absl::Milliseconds(20);
    auto conn =
        Connection::Open(path_, Connection::Mode::kReadWrite, impatient);
    ASSERT_THAT(conn, IsOk());
    conn_ = *std::move(conn);
    auto other =
        Connection::Open(path_, Connection::Mode::kReadWrite, impatient);
    ASSERT_THAT(other, IsOk());
    other_ = *std::move(other);
    ASSERT_THAT(conn_->Exec("CREATE TABLE t (x INTEGER)"), IsOk());
  }
  void TearDown() override { SetLoggingEnabled(true); }

  absl::Status Insert(int x) {
    return conn_->Exec("INSERT INTO t VALUES (" + std::to_string(x) + ")");
  }
  // As seen by `conn` (default: the other connection, i.e. committed data).
  int64_t Count(Connection* conn = nullptr) {
    absl::StatusOr<int64_t> n =
        (conn ? conn : other_.get())->QueryInt("SELECT count(*) FROM t");
    EXPECT_THAT(n, IsOk());
    return n.ok() ? *n : -1;
  }
  bool InTransaction() { return sqlite3_get_autocommit(conn_->raw()) == 0; }

  TempDir dir_;
  std::string path_ = dir_.File("t.db");
  std::unique_ptr<Connection> conn_;
  std::unique_ptr<Connection> other_;
};

TEST_F(TransactionTest, CommitKeepsChanges) {
  int64_t committed = 0;
  for (auto kind :
       {Transaction::Kind::kDeferred, Transaction::Kind::kImmediate}) {
    absl::StatusOr<Transaction> txn = Transaction::Begin(*conn_, kind);
    ASSERT_THAT(txn, IsOk());
    EXPECT_TRUE(InTransaction());
    ASSERT_THAT(Insert(1), IsOk());
    EXPECT_EQ(Count(conn_.get()), committed + 1);
    EXPECT_EQ(Count(), committed);  // not visible to others before COMMIT
    ASSERT_THAT(txn->Commit(), IsOk());
    ++committed;
    EXPECT_FALSE(InTransaction());
    EXPECT_EQ(Count(), committed);
  }
}

TEST_F(TransactionTest, UncommittedIsRolledBackOnDestruction) {
  {
    absl::StatusOr<Transaction> txn =
        Transaction::Begin(*conn_, Transaction::Kind::kImmediate);
    ASSERT_THAT(txn, IsOk());
    ASSERT_THAT(Insert(1), IsOk());
    EXPECT_EQ(Count(conn_.get()), 1);
  }
  EXPECT_FALSE(InTransaction());
  EXPECT_EQ(Count(conn_.get()), 0);
  EXPECT_EQ(Count(), 0);
}

TEST_F(TransactionTest, ExplicitRollback) {
  absl::StatusOr<Transaction> txn =
      Transaction::Begin(*conn_, Transaction::Kind::kDeferred);
  ASSERT_THAT(txn, IsOk());
  ASSERT_THAT(Insert(1), IsOk());
  ASSERT_THAT(txn->Rollback(), IsOk());
  EXPECT_FALSE(InTransaction());
  EXPECT_EQ(Count(conn_.get()), 0);
}

TEST_F(TransactionTest, MoveTransfersTheTransaction) {
  std::optional<Transaction> kept;
  {
    absl::StatusOr<Transaction> txn =
        Transaction::Begin(*conn_, Transaction::Kind::kImmediate);
    ASSERT_THAT(txn, IsOk());
    kept.emplace(std::move(*txn));
    // The moved-from handle dies here and must not roll back.
  }
  EXPECT_TRUE(InTransaction());
  ASSERT_THAT(Insert(1), IsOk());
  ASSERT_THAT(kept->Commit(), IsOk());
  EXPECT_EQ(Count(), 1);
}

TEST_F(TransactionTest, ImmediateTakesTheWriteLockAtOnce) {
  absl::StatusOr<Transaction> txn =
      Transaction::Begin(*conn_, Transaction::Kind::kImmediate);
  ASSERT_THAT(txn, IsOk());
  EXPECT_THAT(Transaction::Begin(*other_, Transaction::Kind::kImmediate),
              StatusIs(absl::StatusCode::kUnavailable));
  ASSERT_THAT(txn->Commit(), IsOk());
  absl::StatusOr<Transaction> later =
      Transaction::Begin(*other_, Transaction::Kind::kImmediate);
  EXPECT_THAT(later, IsOk());
}

TEST_F(TransactionTest, DeferredReadSeesASnapshot) {
  ASSERT_THAT(Insert(1), IsOk());
  absl::StatusOr<Transaction> read =
      Transaction::Begin(*other_, Transaction::Kind::kDeferred);
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(Count(other_.get()), 1);  // the snapshot starts here
  ASSERT_THAT(Insert(2), IsOk());     // a writer commits meanwhile (WAL)
  EXPECT_EQ(Count(other_.get()), 1);
  ASSERT_THAT(read->Commit(), IsOk());
  EXPECT_EQ(Count(other_.get()), 2);
}

TEST_F(TransactionTest, NestedBeginFails) {
  absl::StatusOr<Transaction> txn =
      Transaction::Begin(*conn_, Transaction::Kind::kDeferred);
  ASSERT_THAT(txn, IsOk());
  EXPECT_FALSE(Transaction::Begin(*conn_, Transaction::Kind::kDeferred).ok());
  EXPECT_TRUE(InTransaction());  // the outer one is untouched
}

TEST_F(TransactionTest, FailedCommitRollsBackAndLeavesConnectionUsable) {
  ASSERT_THAT(conn_->Exec("CREATE TABLE p (id INTEGER PRIMARY KEY);"
                          "CREATE TABLE c (p INTEGER REFERENCES p(id) "
                          "DEFERRABLE INITIALLY DEFERRED);"),
              IsOk());
  absl::StatusOr<Transaction> txn =
      Transaction::Begin(*conn_, Transaction::Kind::kImmediate);
  ASSERT_THAT(txn, IsOk());
  ASSERT_THAT(Insert(1), IsOk());
  ASSERT_THAT(conn_->Exec("INSERT INTO c VALUES (42)"), IsOk());  // deferred
  EXPECT_THAT(txn->Commit(), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_FALSE(InTransaction());
  EXPECT_EQ(Count(conn_.get()), 0);
  // The write lock is free again.
  EXPECT_THAT(Transaction::Begin(*other_, Transaction::Kind::kImmediate),
              IsOk());
}

TEST_F(TransactionTest, SavepointReleaseKeepsChanges) {
  absl::StatusOr<Transaction> txn =
      Transaction::Begin(*conn_, Transaction::Kind::kImmediate);
  ASSERT_THAT(txn, IsOk());
  {
    absl::StatusOr<Savepoint> sp = Savepoint::Begin(*conn_);
    ASSERT_THAT(sp, IsOk());
    ASSERT_THAT(Insert(1), IsOk());
    ASSERT_THAT(sp->Release(), IsOk());
  }
  EXPECT_TRUE(InTransaction());  // releasing a savepoint does not commit
  EXPECT_EQ(Count(), 0);
  ASSERT_THAT(txn->Commit(), IsOk());
  EXPECT_EQ(Count(), 1);
}

TEST_F(TransactionTest, SavepointRollbackDiscardsOnlyItsChanges) {
  absl::StatusOr<Transaction> txn =
      Transaction::Begin(*conn_, Transaction::Kind::kImmediate);
  ASSERT_THAT(txn, IsOk());
  ASSERT_THAT(Insert(1), IsOk());
  {
    absl::StatusOr<Savepoint> sp = Savepoint::Begin(*conn_);
    ASSERT_THAT(sp, IsOk());
    ASSERT_THAT(Insert(2), IsOk());
    ASSERT_THAT(sp->Rollback(), IsOk());
  }
  {
    absl::StatusOr<Savepoint> sp = Savepoint::Begin(*conn_);
    ASSERT_THAT(sp, IsOk());
    ASSERT_THAT(Insert(3), IsOk());
    // Not released: rolled back by the destructor.
  }
  EXPECT_TRUE(InTransaction());
  ASSERT_THAT(txn->Commit(), IsOk());
  EXPECT_EQ(*other_->QueryInt("SELECT group_concat(x) FROM t"), 1);
  EXPECT_EQ(Count(), 1);
}

TEST_F(TransactionTest, NestedSavepoints) {
  absl::StatusOr<Transaction> txn =
      Transaction::Begin(*conn_, Transaction::Kind::kImmediate);
  ASSERT_THAT(txn, IsOk());
  absl::StatusOr<Savepoint> outer = Savepoint::Begin(*conn_);
  ASSERT_THAT(outer, IsOk());
  ASSERT_THAT(Insert(1), IsOk());
  {
    absl::StatusOr<Savepoint> inner = Savepoint::Begin(*conn_);
    ASSERT_THAT(inner, IsOk());
    ASSERT_THAT(Insert(2), IsOk());
  }  // inner rolled back
  ASSERT_THAT(outer->Release(), IsOk());
  ASSERT_THAT(txn->Commit(), IsOk());
  EXPECT_EQ(Count(), 1);
}

TEST_F(TransactionTest, SavepointMoveTransfersDuty) {
  absl::StatusOr<Transaction> txn =
      Transaction::Begin(*conn_, Transaction::Kind::kImmediate);
  ASSERT_THAT(txn, IsOk());
  std::optional<Savepoint> kept;
  {
    absl::StatusOr<Savepoint> sp = Savepoint::Begin(*conn_);
    ASSERT_THAT(sp, IsOk());
    kept.emplace(std::move(*sp));
  }
  ASSERT_THAT(Insert(1), IsOk());  // would fail to survive a stray rollback
  ASSERT_THAT(kept->Release(), IsOk());
  ASSERT_THAT(txn->Commit(), IsOk());
  EXPECT_EQ(Count(), 1);
}

TEST_F(TransactionTest, RolledBackTransactionLosesReleasedSavepoints) {
  {
    absl::StatusOr<Transaction> txn =
        Transaction::Begin(*conn_, Transaction::Kind::kImmediate);
    ASSERT_THAT(txn, IsOk());
    absl::StatusOr<Savepoint> sp = Savepoint::Begin(*conn_);
    ASSERT_THAT(sp, IsOk());
    ASSERT_THAT(Insert(1), IsOk());
    ASSERT_THAT(sp->Release(), IsOk());
  }
  EXPECT_EQ(Count(conn_.get()), 0);
}

TEST_F(TransactionTest, RollbackAfterSqliteRolledBackOnItsOwn) {
  // An interrupted writing statement makes SQLite roll back the whole
  // transaction itself; the RAII handles must then not fail or log errors.
  absl::StatusOr<Transaction> txn =
      Transaction::Begin(*conn_, Transaction::Kind::kImmediate);
  ASSERT_THAT(txn, IsOk());
  ASSERT_THAT(Insert(1), IsOk());
  absl::StatusOr<Savepoint> sp = Savepoint::Begin(*conn_);
  ASSERT_THAT(sp, IsOk());
  CallContext call;
  call.Cancel();
  conn_->set_call(&call);
  EXPECT_THAT(conn_->Exec("INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 "
                          "UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) "
                          "SELECT x FROM c"),
              StatusIs(absl::StatusCode::kCancelled));
  conn_->set_call(nullptr);
  EXPECT_FALSE(InTransaction());
  EXPECT_THAT(sp->Rollback(), IsOk());
  EXPECT_THAT(txn->Rollback(), IsOk());
  EXPECT_EQ(Count(conn_.get()), 0);
  // The connection is ready for the next transaction.
  absl::StatusOr<Transaction> next =
      Transaction::Begin(*conn_, Transaction::Kind::kImmediate);
  ASSERT_THAT(next, IsOk());
  ASSERT_THAT(Insert(2), IsOk());
  ASSERT_THAT(next->Commit(), IsOk());
  EXPECT_EQ(Count(), 1);
}

}  // namespace
}  // namespace pumpurs::storage
