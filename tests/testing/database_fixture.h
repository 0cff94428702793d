#ifndef PUMPURS_TESTS_TESTING_DATABASE_FIXTURE_H_
#define PUMPURS_TESTS_TESTING_DATABASE_FIXTURE_H_

// A product-schema database on a temporary file, with helpers that run
// domain functions in real executor transactions (WriteSync/ReadSync), as
// the RPC layer does. Domain test fixtures derive from it.

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/call_context.h"
#include "server/common/log.h"
#include "server/storage/database.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace pumpurs::testing {

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLoggingEnabled(false);
    storage::DatabaseOptions options;
    options.path = dir_.File("test.db");
    options.readers = 2;
    absl::StatusOr<std::unique_ptr<storage::Database>> db =
        storage::Database::Open(options);
    ASSERT_THAT(db, IsOk());
    db_ = *std::move(db);
  }
  void TearDown() override {
    db_.reset();
    SetLoggingEnabled(true);
  }

  // Runs `f` (Connection& → StatusOr<T>) in a write transaction; the
  // transaction's own failure, if any, wins.
  template <typename T, typename F>
  absl::StatusOr<T> Write(F f, const CallContext& call = CallContext{}) {
    absl::StatusOr<T> out = absl::UnknownError("not run");
    absl::Status s = db_->WriteSync(call, [&](storage::Connection& c) {
      out = f(c);
      return out.status();
    });
    if (!s.ok()) return s;
    return out;
  }
  // Runs `f` in a read snapshot.
  template <typename T, typename F>
  absl::StatusOr<T> Read(F f, const CallContext& call = CallContext{}) {
    absl::StatusOr<T> out = absl::UnknownError("not run");
    absl::Status s = db_->ReadSync(call, [&](storage::Connection& c) {
      out = f(c);
      return out.status();
    });
    if (!s.ok()) return s;
    return out;
  }
  absl::Status Exec(const std::string& sql) {
    return db_->WriteSync(CallContext{},
                          [&](storage::Connection& c) { return c.Exec(sql); });
  }
  // The first column of the first row of `sql` (-1 and a failure if none).
  int64_t QueryInt(const std::string& sql) {
    absl::StatusOr<int64_t> n =
        Read<int64_t>([&](storage::Connection& c) { return c.QueryInt(sql); });
    EXPECT_THAT(n, IsOk());
    return n.ok() ? *n : -1;
  }

  TempDir dir_;
  std::unique_ptr<storage::Database> db_;
};

}  // namespace pumpurs::testing

#endif  // PUMPURS_TESTS_TESTING_DATABASE_FIXTURE_H_
