// The storage executor: PRAGMAs, read-only readers, snapshot reads under
// concurrent writes, group commit with per-request savepoints, done callbacks
// after commit, cancellation and deadlines, draining Close(), and periodic
// WAL checkpoints. Tests use their own small schema (kTestSchema) so they do
// not depend on the product's.

#include "server/storage/database.h"

#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/error.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace pumpurs::storage {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TempDir;
using ::testing::AnyOf;
using ::testing::HasSubstr;

constexpr Migration kTestSchema[] = {
    {1, "test schema",
     "CREATE TABLE counters (id INTEGER PRIMARY KEY, a INTEGER NOT NULL, "
     "b INTEGER NOT NULL);"
     "INSERT INTO counters VALUES (1, 0, 0);"
     "CREATE TABLE items (name TEXT PRIMARY KEY, payload BLOB);"},
};

constexpr char kCountToBillion[] =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
    "WHERE x < 1000000000) SELECT count(*) FROM c";
constexpr char kInsertBillion[] =
    "INSERT INTO items (name) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
    "SELECT x + 1 FROM c WHERE x < 1000000000) SELECT 'bulk' || x FROM c";

absl::Status InsertItem(Connection& conn, absl::string_view name) {
  PUMPURS_ASSIGN_OR_RETURN(Statement s,
                           conn.Prepare("INSERT INTO items (name) VALUES (?)"));
  s.Bind(1, name);
  return s.Run();
}

absl::StatusOr<std::string> QueryText(Connection& conn, absl::string_view sql) {
  PUMPURS_ASSIGN_OR_RETURN(Statement s, conn.Prepare(sql));
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return absl::NotFoundError("no row");
  return s.ColumnText(0);
}

int64_t FileSize(const std::string& path) {
  std::error_code ec;
  auto n = std::filesystem::file_size(path, ec);
  return ec ? -1 : static_cast<int64_t>(n);
}

// Occupies the writer thread (or, with Read, one reader thread) until
// released, so that work queued meanwhile is handled together afterwards.
class Blocker {
 public:
  enum class Kind { kWrite, kRead };
  Blocker(Database& db, Kind kind) {
    auto work = [this](Connection&) {
      started_.Notify();
      release_.WaitForNotification();
      return absl::OkStatus();
    };
    auto done = [this](absl::Status) { done_.Notify(); };
    if (kind == Kind::kWrite) {
      db.Write(CallContext{}, work, done);
    } else {
      db.Read(CallContext{}, work, done);
    }
    started_.WaitForNotification();
  }
  ~Blocker() {
    Release();
    done_.WaitForNotification();
  }
  void Release() {
    if (!release_.HasBeenNotified()) release_.Notify();
  }

 private:
  absl::Notification started_;
  absl::Notification release_;
  absl::Notification done_;
};

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override { SetLoggingEnabled(false); }
  void TearDown() override { SetLoggingEnabled(true); }

  DatabaseOptions Options() {
    DatabaseOptions o;
    o.path = path_;
    o.readers = 2;
    o.migrations = absl::Span<const Migration>(kTestSchema);
    return o;
  }

  std::unique_ptr<Database> Open(const DatabaseOptions& options) {
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(options);
    EXPECT_THAT(db, IsOk());
    return db.ok() ? *std::move(db) : nullptr;
  }
  std::unique_ptr<Database> Open() { return Open(Options()); }

  // A connection of the test's own, outside the executor.
  std::unique_ptr<Connection> Outside() {
    auto conn = Connection::Open(path_, Connection::Mode::kReadOnly, {});
    EXPECT_THAT(conn, IsOk());
    return conn.ok() ? *std::move(conn) : nullptr;
  }

  int64_t Count(Database& db, absl::string_view where = "1") {
    int64_t n = -1;
    EXPECT_THAT(
        db.ReadSync(CallContext{},
                    [&](Connection& c) -> absl::Status {
                      PUMPURS_ASSIGN_OR_RETURN(
                          n, c.QueryInt(absl::StrCat(
                                 "SELECT count(*) FROM items WHERE ", where)));
                      return absl::OkStatus();
                    }),
        IsOk());
    return n;
  }

  bool Stored(Database& db, absl::string_view name) {
    return Count(db, absl::StrCat("name = '", name, "'")) == 1;
  }

  TempDir dir_;
  std::string path_ = dir_.File("db.sqlite");
};

TEST_F(DatabaseTest, OpenValidatesOptions) {
  DatabaseOptions o = Options();
  o.path = "";
  EXPECT_THAT(Database::Open(o), StatusIs(absl::StatusCode::kInvalidArgument));
  o = Options();
  o.readers = 0;
  EXPECT_THAT(Database::Open(o), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(DatabaseTest, UsesGivenMigrations) {
  auto db = Open();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->schema_version(), 1);
  EXPECT_EQ(db->path(), path_);
  EXPECT_EQ(Count(*db), 0);
}

TEST_F(DatabaseTest, DefaultsToProductSchema) {
  DatabaseOptions o = Options();
  o.migrations.reset();
  auto db = Open(o);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->schema_version(), static_cast<int>(SchemaMigrations().size()));
  EXPECT_THAT(db->ReadSync(CallContext{},
                           [](Connection& c) {
                             return c
                                 .QueryInt(
                                     "SELECT count(*) FROM "
                                     "institutions")
                                 .status();
                           }),
              IsOk());
}

TEST_F(DatabaseTest, RefusesFileWithNewerSchema) {
  {
    auto db = Open();
    ASSERT_NE(db, nullptr);
  }
  {
    auto conn = Connection::Open(path_, Connection::Mode::kReadWrite, {});
    ASSERT_THAT(conn, IsOk());
    ASSERT_THAT((*conn)->Exec("PRAGMA user_version=9"), IsOk());
  }
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(Options());
  EXPECT_THAT(db, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(db, HasReason("SCHEMA_TOO_NEW"));
  EXPECT_THAT(std::string(db.status().message()), HasSubstr("9"));
}

TEST_F(DatabaseTest, RefusesGarbageFile) {
  {
    std::ofstream out(path_, std::ios::binary);
    for (int i = 0; i < 500; ++i) out << "definitely not sqlite ";
  }
  EXPECT_THAT(Database::Open(Options()), StatusIs(absl::StatusCode::kDataLoss));
}

TEST_F(DatabaseTest, WalAndFullSynchronousAreSet) {
  auto db = Open();
  ASSERT_NE(db, nullptr);
  auto check = [](bool writer) {
    return [writer](Connection& c) -> absl::Status {
      PUMPURS_ASSIGN_OR_RETURN(std::string mode,
                               QueryText(c, "PRAGMA journal_mode"));
      EXPECT_EQ(mode, "wal");
      PUMPURS_ASSIGN_OR_RETURN(int64_t sync, c.QueryInt("PRAGMA synchronous"));
      EXPECT_EQ(sync, 2) << "synchronous=FULL";
      PUMPURS_ASSIGN_OR_RETURN(int64_t fk, c.QueryInt("PRAGMA foreign_keys"));
      EXPECT_EQ(fk, 1);
      PUMPURS_ASSIGN_OR_RETURN(int64_t ro, c.QueryInt("PRAGMA query_only"));
      EXPECT_EQ(ro, writer ? 0 : 1);
      return absl::OkStatus();
    };
  };
  EXPECT_THAT(db->WriteSync(CallContext{}, check(true)), IsOk());
  for (int i = 0; i < 4; ++i) {  // more reads than readers: every reader
    EXPECT_THAT(db->ReadSync(CallContext{}, check(false)), IsOk());
  }
}

TEST_F(DatabaseTest, NormalDurabilityIsPassedOn) {
  DatabaseOptions o = Options();
  o.connection.durability = Durability::kNormal;
  auto db = Open(o);
  ASSERT_NE(db, nullptr);
  auto sync = [](Connection& c) -> absl::StatusOr<int64_t> {
    return c.QueryInt("PRAGMA synchronous");
  };
  int64_t w = -1, r = -1;
  ASSERT_THAT(db->WriteSync(CallContext{},
                            [&](Connection& c) -> absl::Status {
                              PUMPURS_ASSIGN_OR_RETURN(w, sync(c));
                              return absl::OkStatus();
                            }),
              IsOk());
  ASSERT_THAT(db->ReadSync(CallContext{},
                           [&](Connection& c) -> absl::Status {
                             PUMPURS_ASSIGN_OR_RETURN(r, sync(c));
                             return absl::OkStatus();
                           }),
              IsOk());
  EXPECT_EQ(w, 1);
  EXPECT_EQ(r, 1);
}

TEST_F(DatabaseTest, ReadsCannotWrite) {
  auto db = Open();
  ASSERT_NE(db, nullptr);
  absl::Status s = db->ReadSync(
      CallContext{}, [](Connection& c) { return InsertItem(c, "sneaky"); });
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  s = db->ReadSync(CallContext{}, [](Connection& c) {
    return c.Exec("UPDATE counters SET a = 99");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(Count(*db), 0);
}

TEST_F(DatabaseTest, WritesAreVisibleToLaterReads) {
  auto db = Open();
  ASSERT_NE(db, nullptr);
  ASSERT_THAT(db->WriteSync(CallContext{},
                            [](Connection& c) { return InsertItem(c, "a"); }),
              IsOk());
  EXPECT_TRUE(Stored(*db, "a"));
}

TEST_F(DatabaseTest, FailedWriteStoresNothingAndKeepsItsError) {
  auto db = Open();
  ASSERT_NE(db, nullptr);
  absl::Status s = db->WriteSync(CallContext{}, [](Connection& c) {
    PUMPURS_RETURN_IF_ERROR(InsertItem(c, "half"));
    return Error(absl::StatusCode::kFailedPrecondition, "TEST_RULE",
                 "a rule of the test");
  });
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(s, HasReason("TEST_RULE"));
  EXPECT_EQ(Count(*db), 0);
}

TEST_F(DatabaseTest, ValueForms) {
  auto db = Open();
  ASSERT_NE(db, nullptr);
  absl::Notification wrote;
  absl::StatusOr<int64_t> written;
  db->WriteValue<int64_t>(
      CallContext{},
      [](Connection& c) -> absl::StatusOr<int64_t> {
        PUMPURS_RETURN_IF_ERROR(InsertItem(c, "v"));
        return c.QueryInt("SELECT count(*) FROM items");
      },
      [&](absl::StatusOr<int64_t> v) {
        written = std::move(v);
        wrote.Notify();
      });
  wrote.WaitForNotification();
  ASSERT_THAT(written, IsOk());
  EXPECT_EQ(*written, 1);

  absl::Notification read;
  absl::StatusOr<std::string> name;
  db->ReadValue<std::string>(
      CallContext{},
      [](Connection& c) { return QueryText(c, "SELECT name FROM items"); },
      [&](absl::StatusOr<std::string> v) {
        name = std::move(v);
        read.Notify();
      });
  read.WaitForNotification();
  ASSERT_THAT(name, IsOk());
  EXPECT_EQ(*name, "v");

  absl::Notification failed;
  absl::StatusOr<std::string> missing;
  db->ReadValue<std::string>(
      CallContext{},
      [](Connection& c) {
        return QueryText(c, "SELECT name FROM items WHERE 0");
      },
      [&](absl::StatusOr<std::string> v) {
        missing = std::move(v);
        failed.Notify();
      });
  failed.WaitForNotification();
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(DatabaseTest, WorkRunsOnExecutorThreads) {
  auto db = Open();
  ASSERT_NE(db, nullptr);
  const std::thread::id me = std::this_thread::get_id();
  std::thread::id read_thread, write_thread;
  ASSERT_THAT(db->ReadSync(CallContext{},
                           [&](Connection&) {
                             read_thread = std::this_thread::get_id();
                             return absl::OkStatus();
                           }),
              IsOk());
  ASSERT_THAT(db->WriteSync(CallContext{},
                            [&](Connection&) {
                              write_thread = std::this_thread::get_id();
                              return absl::OkStatus();
                            }),
              IsOk());
  EXPECT_NE(read_thread, me);
  EXPECT_NE(write_thread, me);
  EXPECT_NE(read_thread, write_thread);
}

TEST_F(DatabaseTest, ReadersRunInParallel) {
  auto db = Open();  // two readers
  ASSERT_NE(db, nullptr);
  std::atomic<int> arrived{0};
  std::atomic<int> saw_both{0};
  auto work = [&](Connection&) {
    ++arrived;
    absl::Time give_up = absl::Now() + absl::Seconds(5);
    while (arrived.load() < 2 && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(1));
    }
    if (arrived.load() == 2) ++saw_both;
    return absl::OkStatus();
  };
  std::thread other(
      [&] { EXPECT_THAT(db->ReadSync(CallContext{}, work), IsOk()); });
  EXPECT_THAT(db->ReadSync(CallContext{}, work), IsOk());
  other.join();
  EXPECT_EQ(saw_both.load(), 2);
}

TEST_F(DatabaseTest, ReadSeesOneSnapshotWhileAWriteCommits) {
  auto db = Open();
  ASSERT_NE(db, nullptr);
  int64_t before = -1, after = -1;
  absl::Status write_status = absl::UnknownError("not run");
  ASSERT_THAT(
      db->ReadSync(CallContext{},
                   [&](Connection& c) -> absl::Status {
                     PUMPURS_ASSIGN_OR_RETURN(
                         before, c.QueryInt("SELECT count(*) FROM items"));
                     absl::Notification committed;
                     db->Write(
                         CallContext{},
                         [](Connection& w) { return InsertItem(w, "new"); },
                         [&](absl::Status s) {
                           write_status = s;
                           committed.Notify();
                         });
                     // WAL: the writer commits while this read is open.
                     committed.WaitForNotification();
                     PUMPURS_ASSIGN_OR_RETURN(
                         after, c.QueryInt("SELECT count(*) FROM items"));
                     return absl::OkStatus();
                   }),
      IsOk());
  EXPECT_THAT(write_status, IsOk());
  EXPECT_EQ(before, 0);
  EXPECT_EQ(after, 0);
  EXPECT_EQ(Count(*db), 1);
}

TEST_F(DatabaseTest, ConcurrentReadsSeeConsistentSnapshots) {
  // Each write moves two counters together (and every tenth write moves one
  // and then fails, which must undo it). Many reader threads check that the
  // counters are always equal and never go backwards, while the writer
  // commits. At the end the counters equal the number of acknowledged writes.
  DatabaseOptions o = Options();
  o.readers = 4;
  auto db = Open(o);
  ASSERT_NE(db, nullptr);

  constexpr int kReaderThreads = 8;
  constexpr int kMinReadsPerThread = 1000;
  constexpr int kGroups = 150;
  constexpr int kPerGroup = 20;
  constexpr int64_t kExpected = kGroups * (kPerGroup - kPerGroup / 10);

  std::atomic<bool> writes_finished{false};
  std::atomic<int64_t> reads{0}, read_errors{0}, unequal{0}, backwards{0},
      intermediate{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < kReaderThreads; ++t) {
    readers.emplace_back([&] {
      int64_t last = 0;
      for (int n = 0; n < kMinReadsPerThread || !writes_finished.load(); ++n) {
        int64_t a = -1, b = -1;
        absl::Status s =
            db->ReadSync(CallContext{}, [&](Connection& c) -> absl::Status {
              // Two separate statements: equal only if both see one snapshot.
              PUMPURS_ASSIGN_OR_RETURN(a, c.QueryInt("SELECT a FROM counters"));
              PUMPURS_ASSIGN_OR_RETURN(b, c.QueryInt("SELECT b FROM counters"));
              return absl::OkStatus();
            });
        ++reads;
        if (!s.ok()) {
          ++read_errors;
          continue;
        }
        if (a != b) ++unequal;
        if (a < last) ++backwards;
        if (a > 0 && a < kExpected) ++intermediate;
        last = a;
      }
    });
  }

  std::atomic<int64_t> acknowledged{0}, refused{0}, unexpected{0};
  for (int g = 0; g < kGroups; ++g) {
    absl::BlockingCounter group(kPerGroup);
    for (int i = 0; i < kPerGroup; ++i) {
      const bool fail = i % 10 == 9;
      db->Write(
          CallContext{},
          [fail](Connection& c) -> absl::Status {
            PUMPURS_RETURN_IF_ERROR(c.Exec("UPDATE counters SET a = a + 1"));
            if (fail) {
              return Error(absl::StatusCode::kAborted, "TEST_FAIL", "planned");
            }
            return c.Exec("UPDATE counters SET b = b + 1");
          },
          [&, fail](absl::Status s) {
            if (s.ok() && !fail) {
              ++acknowledged;
            } else if (fail && ReasonOf(s) == "TEST_FAIL") {
              ++refused;
            } else {
              ++unexpected;
            }
            group.DecrementCount();
          });
    }
    group.Wait();
  }
  writes_finished = true;
  for (auto& t : readers) t.join();

  EXPECT_EQ(acknowledged.load(), kExpected);
  EXPECT_EQ(refused.load(), kGroups * (kPerGroup / 10));
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_EQ(read_errors.load(), 0);
  EXPECT_EQ(unequal.load(), 0);
  EXPECT_EQ(backwards.load(), 0);
  EXPECT_GE(reads.load(), kReaderThreads * kMinReadsPerThread);
  EXPECT_GT(intermediate.load(), 0) << "reads never overlapped the writes";

  int64_t a = -1, b = -1;
  ASSERT_THAT(db->ReadSync(CallContext{},
                           [&](Connection& c) -> absl::Status {
                             PUMPURS_ASSIGN_OR_RETURN(
                                 a, c.QueryInt("SELECT a FROM counters"));
                             PUMPURS_ASSIGN_OR_RETURN(
                                 b, c.QueryInt("SELECT b FROM counters"));
                             return absl::OkStatus();
                           }),
              IsOk());
  EXPECT_EQ(a, acknowledged.load());
  EXPECT_EQ(b, acknowledged.load());
}

TEST_F(DatabaseTest, GroupCommitFailureCostsOnlyThatRequest) {
  auto db = Open();
  ASSERT_NE(db, nullptr);
  auto outside = Outside();
  ASSERT_NE(outside, nullptr);

  constexpr int kRequests = 5;
  std::vector<absl::Status> results(kRequests);
  std::vector<int64_t> seen_by_writer(kRequests, -1);
  std::vector<int64_t> seen_outside(kRequests, -1);
  absl::BlockingCounter done(kRequests);
  {
    Blocker blocker(*db, Blocker::Kind::kWrite);
    for (int i = 0; i < kRequests; ++i) {
      db->Write(
          CallContext{},
          [&, i](Connection& c) -> absl::Status {
            seen_by_writer[i] = *c.QueryInt("SELECT count(*) FROM items");
            seen_outside[i] = *outside->QueryInt("SELECT count(*) FROM items");
            switch (i) {
              case 1:  // writes, then fails
                PUMPURS_RETURN_IF_ERROR(InsertItem(c, "item1"));
                return Error(absl::StatusCode::kFailedPrecondition,
                             "TEST_FAILURE", "planned failure");
              case 3:  // breaks a unique key: the statement fails
                PUMPURS_RETURN_IF_ERROR(InsertItem(c, "item3"));
                return InsertItem(c, "item0");
              default:
                return InsertItem(c, absl::StrCat("item", i));
            }
          },
          [&, i](absl::Status s) {
            results[i] = std::move(s);
            done.DecrementCount();
          });
    }
  }
  done.Wait();

  EXPECT_THAT(results[0], IsOk());
  EXPECT_THAT(results[1], StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(results[1], HasReason("TEST_FAILURE"));
  EXPECT_THAT(results[2], IsOk());
  EXPECT_THAT(results[3], StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(results[4], IsOk());
  EXPECT_TRUE(Stored(*db, "item0"));
  EXPECT_FALSE(Stored(*db, "item1"));
  EXPECT_TRUE(Stored(*db, "item2"));
  EXPECT_FALSE(Stored(*db, "item3"));
  EXPECT_TRUE(Stored(*db, "item4"));
  EXPECT_EQ(Count(*db), 3);

  // They did share one transaction: each request saw the earlier successful
  // ones (and not the failed ones), none of which was committed yet.
  EXPECT_EQ(seen_by_writer, (std::vector<int64_t>{0, 1, 1, 2, 2}));
  EXPECT_EQ(seen_outside, (std::vector<int64_t>{0, 0, 0, 0, 0}));
}

TEST_F(DatabaseTest, WriteDoneRunsAfterCommit) {
  auto db = Open();
  ASSERT_NE(db, nullptr);
  auto outside = Outside();
  ASSERT_NE(outside, nullptr);
  auto visible = [&](const std::string& name) -> int64_t {
    absl::StatusOr<int64_t> n = outside->QueryInt(
        absl::StrCat("SELECT count(*) FROM items WHERE name = '", name, "'"));
    return n.ok() ? *n : -1;
  };

  // Alone...
  absl::Notification single;
  int64_t single_visible = -1;
  db->Write(
      CallContext{}, [](Connection& c) { return InsertItem(c, "single"); },
      [&](absl::Status s) {
        EXPECT_THAT(s, IsOk());
        single_visible = visible("single");
        single.Notify();
      });
  single.WaitForNotification();
  EXPECT_EQ(single_visible, 1);

  // ...and as part of a group commit.
  constexpr int kWrites = 20;
  std::vector<int64_t> seen(kWrites, -1);
  absl::BlockingCounter done(kWrites);
  {
    Blocker blocker(*db, Blocker::Kind::kWrite);
    for (int i = 0; i < kWrites; ++i) {
      db->Write(
          CallContext{},
          [i](Connection& c) { return InsertItem(c, absl::StrCat("g", i)); },
          [&, i](absl::Status s) {
            EXPECT_THAT(s, IsOk());
            seen[i] = visible(absl::StrCat("g", i));
            // Every other request of the group is committed as well.
            EXPECT_EQ(*outside->QueryInt(
                          "SELECT count(*) FROM items WHERE name LIKE 'g%'"),
                      kWrites);
            done.DecrementCount();
          });
    }
  }
  done.Wait();
  EXPECT_EQ(seen, std::vector<int64_t>(kWrites, 1));
}

TEST_F(DatabaseTest, CancelInterruptsRunningRead) {
  auto db = Open();
  ASSERT_NE(db, nullptr);
  CallContext call;
  absl::Notification started;
  std::thread canceller([&] {
    started.WaitForNotification();
    absl::SleepFor(absl::Milliseconds(50));
    call.Cancel();
  });
  absl::Time start = absl::Now();
  absl::Status s = db->ReadSync(call, [&](Connection& c) {
    started.Notify();
    return c.QueryInt(kCountToBillion).status();
  });
  canceller.join();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kCancelled));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  // The reader is fine afterwards (no interrupt left over).
  EXPECT_EQ(Count(*db), 0);
}

TEST_F(DatabaseTest, DeadlineInterruptsRunningRead) {
  auto db = Open();
  ASSERT_NE(db, nullptr);
  CallContext call;
  call.deadline = absl::Now() + absl::Milliseconds(150);
  bool started = false;
  absl::Time start = absl::Now();
  absl::Status s = db->ReadSync(call, [&](Connection& c) {
    started = true;
    return c.QueryInt(kCountToBillion).status();
  });
  EXPECT_TRUE(started);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_THAT(s, HasReason("DEADLINE_EXCEEDED"));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(100));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST_F(DatabaseTest, CancelInterruptsRunningWrite) {
  auto db = Open();
  ASSERT_NE(db, nullptr);
  CallContext call;
  absl::Notification started;
  std::thread canceller([&] {
    started.WaitForNotification();
    absl::SleepFor(absl::Milliseconds(50));
    call.Cancel();
  });
  absl::Status s = db->WriteSync(call, [&](Connection& c) {
    started.Notify();
    return c.Exec(kInsertBillion);
  });
  canceller.join();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(Count(*db), 0);
  // The writer goes on normally.
  ASSERT_THAT(db->WriteSync(CallContext{},
                            [](Connection& c) { return InsertItem(c, "x"); }),
              IsOk());
  EXPECT_EQ(Count(*db), 1);
}

TEST_F(DatabaseTest, DeadlineInterruptsRunningWrite) {
  auto db = Open();
  ASSERT_NE(db, nullptr);
  CallContext call;
  call.deadline = absl::Now() + absl::Milliseconds(100);
  absl::Status s = db->WriteSync(
      call, [&](Connection& c) { return c.Exec(kInsertBillion); });
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(Count(*db), 0);
}

TEST_F(DatabaseTest, InterruptedWriteInAGroupCostsOnlyItself) {
  // An interrupted INSERT makes SQLite roll back the whole transaction, not
  // just the statement. The other requests of the same group commit must
  // then neither be acknowledged without being stored, nor stored while
  // reported as failed.
  auto db = Open();
  ASSERT_NE(db, nullptr);
  CallContext long_call;
  absl::Notification long_started;
  std::thread canceller([&] {
    long_started.WaitForNotification();
    absl::SleepFor(absl::Milliseconds(30));
    long_call.Cancel();
  });
  const std::vector<std::string> names = {"before1", "before2", "", "after1",
                                          "after2"};
  std::vector<absl::Status> results(names.size());
  absl::BlockingCounter done(static_cast<int>(names.size()));
  {
    Blocker blocker(*db, Blocker::Kind::kWrite);
    for (size_t i = 0; i < names.size(); ++i) {
      const bool is_long = names[i].empty();
      db->Write(
          is_long ? long_call : CallContext{},
          [&, i, is_long](Connection& c) {
            if (!is_long) return InsertItem(c, names[i]);
            long_started.Notify();
            return c.Exec(kInsertBillion);
          },
          [&, i](absl::Status s) {
            results[i] = std::move(s);
            done.DecrementCount();
          });
    }
  }
  done.Wait();
  canceller.join();

  EXPECT_THAT(results[2], StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(Count(*db, "name LIKE 'bulk%'"), 0);
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) continue;
    SCOPED_TRACE(names[i]);
    // Stored exactly when acknowledged...
    EXPECT_EQ(Stored(*db, names[i]), results[i].ok()) << results[i];
    // ...and a request that lost its work only to another's failure may be
    // retried.
    if (!results[i].ok()) {
      EXPECT_THAT(results[i], AnyOf(StatusIs(absl::StatusCode::kAborted),
                                    StatusIs(absl::StatusCode::kUnavailable)));
    }
  }
  // Requests after the interrupted one run in a fresh transaction.
  EXPECT_THAT(results[3], IsOk());
  EXPECT_THAT(results[4], IsOk());
  // And the writer keeps working.
  ASSERT_THAT(db->WriteSync(CallContext{},
                            [](Connection& c) { return InsertItem(c, "z"); }),
              IsOk());
  EXPECT_TRUE(Stored(*db, "z"));
}

TEST_F(DatabaseTest, ExpiredOrCancelledWorkNeverRuns) {
  auto db = Open();
  ASSERT_NE(db, nullptr);
  CallContext expired;
  expired.deadline = absl::Now() - absl::Seconds(1);
  CallContext cancelled;
  cancelled.Cancel();
  std::atomic<int> ran{0};
  auto work = [&](Connection& c) {
    ++ran;
    return InsertItem(c, "never");
  };
  EXPECT_THAT(db->ReadSync(expired, work),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_THAT(db->WriteSync(expired, work),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_THAT(db->ReadSync(cancelled, work),
              StatusIs(absl::StatusCode::kCancelled));
  EXPECT_THAT(db->WriteSync(cancelled, work),
              StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(Count(*db), 0);
}

TEST_F(DatabaseTest, WorkWhoseDeadlinePassesInTheQueueNeverRuns) {
  auto db = Open();
  ASSERT_NE(db, nullptr);
  CallContext soon;
  soon.deadline = absl::Now() + absl::Milliseconds(30);
  std::atomic<int> ran{0};
  std::vector<absl::Status> results(3);
  absl::BlockingCounter done(3);
  {
    Blocker blocker(*db, Blocker::Kind::kWrite);
    for (int i = 0; i < 3; ++i) {
      db->Write(
          i == 1 ? soon : CallContext{},
          [&, i](Connection& c) {
            if (i == 1) ++ran;
            return InsertItem(c, absl::StrCat("q", i));
          },
          [&, i](absl::Status s) {
            results[i] = std::move(s);
            done.DecrementCount();
          });
    }
    absl::SleepFor(absl::Milliseconds(60));
  }
  done.Wait();
  EXPECT_EQ(ran.load(), 0);
  EXPECT_THAT(results[0], IsOk());
  EXPECT_THAT(results[1], StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_THAT(results[2], IsOk());
  EXPECT_EQ(Count(*db), 2);
}

// Submits no-op writes (or reads) until one is refused at once, which shows
// Close() has shut the queues. Returns how many were accepted.
int ProbeUntilClosed(Database& db, bool write) {
  int accepted = 0;
  for (int i = 0; i < 10000; ++i) {
    auto refused = std::make_shared<std::atomic<bool>>(false);
    auto done = [refused](absl::Status s) {
      if (s.code() == absl::StatusCode::kUnavailable) *refused = true;
    };
    auto noop = [](Connection&) { return absl::OkStatus(); };
    if (write) {
      db.Write(CallContext{}, noop, done);
    } else {
      db.Read(CallContext{}, noop, done);
    }
    // A refusal calls `done` before Write/Read returns.
    if (refused->load()) return accepted;
    ++accepted;
    absl::SleepFor(absl::Milliseconds(1));
  }
  ADD_FAILURE() << "Close() never shut the queue";
  return accepted;
}

TEST_F(DatabaseTest, CloseDrainsQueuedWritesThenRefusesNewWork) {
  auto db = Open();
  ASSERT_NE(db, nullptr);
  constexpr int kQueued = 50;
  std::atomic<int> ok{0};
  absl::BlockingCounter done(kQueued);
  std::thread closer;
  {
    Blocker blocker(*db, Blocker::Kind::kWrite);
    for (int i = 0; i < kQueued; ++i) {
      db->Write(
          CallContext{},
          [i](Connection& c) { return InsertItem(c, absl::StrCat("w", i)); },
          [&](absl::Status s) {
            if (s.ok()) ++ok;
            done.DecrementCount();
          });
    }
    closer = std::thread([&] { db->Close(); });
    ProbeUntilClosed(*db, /*write=*/true);
  }
  closer.join();
  done.Wait();
  EXPECT_EQ(ok.load(), kQueued);

  // Closed: refused at once, with the shutdown reason.
  absl::Status refused = absl::UnknownError("done not called");
  db->Write(
      CallContext{}, [](Connection&) { return absl::OkStatus(); },
      [&](absl::Status s) { refused = s; });
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(refused, HasReason("SHUTTING_DOWN"));
  EXPECT_THAT(db->WriteSync(CallContext{},
                            [](Connection&) { return absl::OkStatus(); }),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(
      db->ReadSync(CallContext{}, [](Connection&) { return absl::OkStatus(); }),
      StatusIs(absl::StatusCode::kUnavailable));
  db->Close();  // again: harmless
  db.reset();

  auto reopened = Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(Count(*reopened), kQueued);
}

TEST_F(DatabaseTest, CloseDrainsQueuedReads) {
  DatabaseOptions o = Options();
  o.readers = 1;
  auto db = Open(o);
  ASSERT_NE(db, nullptr);
  constexpr int kQueued = 30;
  std::atomic<int> ok{0};
  absl::BlockingCounter done(kQueued);
  std::thread closer;
  {
    Blocker blocker(*db, Blocker::Kind::kRead);
    for (int i = 0; i < kQueued; ++i) {
      db->Read(
          CallContext{},
          [](Connection& c) {
            return c.QueryInt("SELECT a FROM counters").status();
          },
          [&](absl::Status s) {
            if (s.ok()) ++ok;
            done.DecrementCount();
          });
    }
    closer = std::thread([&] { db->Close(); });
    ProbeUntilClosed(*db, /*write=*/false);
  }
  closer.join();
  done.Wait();
  EXPECT_EQ(ok.load(), kQueued);
}

absl::Status WriteMegabytes(Database& db, absl::string_view prefix, int mb) {
  return db.WriteSync(CallContext{}, [=](Connection& c) {
    return c.Exec(absl::StrCat(
        "INSERT INTO items (name, payload) WITH RECURSIVE c(x) AS (SELECT 1 "
        "UNION ALL SELECT x + 1 FROM c WHERE x < ",
        mb * 256, ") SELECT '", prefix, "' || x, randomblob(4096) FROM c"));
  });
}

TEST_F(DatabaseTest, NoCheckpointBeforeTheInterval) {
  DatabaseOptions o = Options();
  o.checkpoint_interval = absl::Hours(1);
  auto db = Open(o);
  ASSERT_NE(db, nullptr);
  ASSERT_THAT(WriteMegabytes(*db, "a", 2), IsOk());
  absl::SleepFor(absl::Milliseconds(200));
  // Automatic checkpoints are off: the data is only in the WAL.
  EXPECT_LT(FileSize(path_), 512 * 1024);
  EXPECT_GT(FileSize(path_ + "-wal"), 2 * 1024 * 1024);
  EXPECT_EQ(Count(*db), 512);
  db->Close();
  // Close() checkpoints everything into the main file.
  EXPECT_GT(FileSize(path_), 2 * 1024 * 1024);
  EXPECT_LE(FileSize(path_ + "-wal"), 0);
}

TEST_F(DatabaseTest, PeriodicCheckpointMovesWalIntoFileAndResetsIt) {
  DatabaseOptions o = Options();
  o.checkpoint_interval = absl::Milliseconds(100);
  auto db = Open(o);
  ASSERT_NE(db, nullptr);
  auto wait_for_main_file = [&](int64_t bytes) {
    absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (FileSize(path_) < bytes && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    return FileSize(path_) >= bytes;
  };

  ASSERT_THAT(WriteMegabytes(*db, "first", 2), IsOk());
  const int64_t wal_after_first = FileSize(path_ + "-wal");
  EXPECT_GT(wal_after_first, 2 * 1024 * 1024);
  ASSERT_TRUE(wait_for_main_file(2 * 1024 * 1024))
      << "no checkpoint within 10 s";

  // The WAL was fully checkpointed, so the next commit starts writing it
  // from the beginning again instead of appending: it does not grow.
  ASSERT_THAT(WriteMegabytes(*db, "second", 2), IsOk());
  const int64_t wal_after_second = FileSize(path_ + "-wal");
  EXPECT_LT(wal_after_second, wal_after_first * 3 / 2);
  ASSERT_TRUE(wait_for_main_file(4 * 1024 * 1024))
      << "no second checkpoint within 10 s";
  EXPECT_EQ(Count(*db), 1024);
}

TEST_F(DatabaseTest, DataSurvivesReopen) {
  {
    auto db = Open();
    ASSERT_NE(db, nullptr);
    for (int i = 0; i < 10; ++i) {
      ASSERT_THAT(db->WriteSync(CallContext{},
                                [i](Connection& c) {
                                  return InsertItem(c, absl::StrCat("r", i));
                                }),
                  IsOk());
    }
  }
  auto db = Open();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(Count(*db), 10);
}

}  // namespace
}  // namespace pumpurs::storage
