#include "server/storage/database.h"

#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/notification.h"
#include "server/common/error.h"
#include "server/common/log.h"
#include "server/storage/sqlite_status.h"
#include "server/storage/transaction.h"

namespace pumpurs::storage {
namespace {

absl::Status ShuttingDown() {
  return Error(absl::StatusCode::kUnavailable, "SHUTTING_DOWN",
               "the server is shutting down; retry on another instance or "
               "later");
}

absl::Status RolledBack() {
  return Error(absl::StatusCode::kUnavailable, "TRANSACTION_ROLLED_BACK",
               "another request committed together with this one failed the "
               "transaction; nothing was stored, retry");
}

}  // namespace

Database::Database(const DatabaseOptions& options)
    : options_(options), path_(options.path) {}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(
    const DatabaseOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("database path is empty");
  }
  if (options.readers < 1) {
    return absl::InvalidArgumentError("need at least one reader");
  }
  if (options.max_batch < 1) {
    return absl::InvalidArgumentError("max_batch must be at least 1");
  }
  std::unique_ptr<Database> db(new Database(options));
  if (absl::Status s = db->Start(); !s.ok()) {
    // The path is the operator's, not personal data: say which file.
    absl::Status out(
        s.code(), absl::StrCat(s.message(), " (database ", options.path, ")"));
    s.ForEachPayload([&out](absl::string_view url, const absl::Cord& payload) {
      out.SetPayload(url, payload);
    });
    return out;
  }
  return db;
}

absl::Status Database::Start() {
  absl::StatusOr<std::unique_ptr<Connection>> writer = Connection::Open(
      path_, Connection::Mode::kReadWrite, options_.connection);
  if (!writer.ok()) return writer.status();
  writer_ = *std::move(writer);
  absl::StatusOr<int> version =
      Migrate(*writer_, options_.migrations.value_or(SchemaMigrations()));
  if (!version.ok()) return version.status();
  schema_version_ = *version;
  for (int i = 0; i < options_.readers; ++i) {
    absl::StatusOr<std::unique_ptr<Connection>> reader = Connection::Open(
        path_, Connection::Mode::kReadOnly, options_.connection);
    if (!reader.ok()) return reader.status();
    readers_.push_back(*std::move(reader));
  }
  threads_.emplace_back([this] { WriterLoop(); });
  for (auto& reader : readers_) {
    Connection* conn = reader.get();
    threads_.emplace_back([this, conn] { ReaderLoop(conn); });
  }
  return absl::OkStatus();
}

Database::~Database() { Close(); }

void Database::Close() {
  {
    absl::MutexLock lock(&close_mu_);
    if (closed_) return;
    closed_ = true;
  }
  write_queue_.Close();
  read_queue_.Close();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  readers_.clear();
  writer_.reset();
}

absl::Status Database::Admission(const CallContext& call) {
  if (call.IsCancelled()) {
    return Error(absl::StatusCode::kCancelled, "CALL_CANCELLED",
                 "the call was cancelled");
  }
  if (call.Expired()) {
    return Error(absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED",
                 "the deadline passed before the work started");
  }
  return absl::OkStatus();
}

absl::Status Database::Outcome(const CallContext& call, absl::Status status) {
  if (status.code() == absl::StatusCode::kCancelled && call.Expired() &&
      !call.IsCancelled()) {
    return Error(absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED",
                 "the deadline passed while the query ran");
  }
  return status;
}

void Database::Read(const CallContext& call, Work work, const Done& done) {
  if (!read_queue_.Push(Task{call, std::move(work), done})) {
    done(ShuttingDown());
  }
}

void Database::Write(const CallContext& call, Work work, const Done& done) {
  if (!write_queue_.Push(Task{call, std::move(work), done})) {
    done(ShuttingDown());
  }
}

absl::Status Database::ReadSync(const CallContext& call, Work work) {
  absl::Notification finished;
  absl::Status result;
  Read(call, std::move(work), [&](absl::Status s) {
    result = std::move(s);
    finished.Notify();
  });
  finished.WaitForNotification();
  return result;
}

absl::Status Database::WriteSync(const CallContext& call, Work work) {
  absl::Notification finished;
  absl::Status result;
  Write(call, std::move(work), [&](absl::Status s) {
    result = std::move(s);
    finished.Notify();
  });
  finished.WaitForNotification();
  return result;
}

void Database::ReaderLoop(Connection* conn) {
  while (std::optional<Task> task = read_queue_.Pop()) {
    absl::Status status = Admission(task->call);
    if (status.ok()) {
      conn->set_call(&task->call);
      absl::StatusOr<Transaction> txn =
          Transaction::Begin(*conn, Transaction::Kind::kDeferred);
      if (txn.ok()) {
        status = task->work(*conn);
        absl::Status end = txn->Commit();
        if (status.ok()) status = end;
      } else {
        status = txn.status();
      }
      conn->set_call(nullptr);
      status = Outcome(task->call, std::move(status));
    }
    task->done(std::move(status));
  }
}

void Database::WriterLoop() {
  absl::Time last_checkpoint = absl::Now();
  bool dirty = false;
  while (true) {
    std::vector<Task> batch =
        write_queue_.PopBatch(options_.max_batch, options_.checkpoint_interval);
    if (batch.empty()) {
      if (write_queue_.closed()) break;
    } else {
      RunBatch(batch);
      dirty = true;
    }
    if (dirty &&
        absl::Now() - last_checkpoint >= options_.checkpoint_interval) {
      Checkpoint("PASSIVE");
      last_checkpoint = absl::Now();
      dirty = false;
    }
  }
  Checkpoint("TRUNCATE");
}

void Database::RunBatch(std::vector<Task>& batch) {
  std::vector<absl::Status> results(batch.size());
  std::vector<bool> admitted(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    results[i] = Admission(batch[i].call);
    admitted[i] = results[i].ok();
  }
  // The open transaction, and the first request of the batch that ran in it.
  std::optional<Transaction> txn;
  size_t first = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!admitted[i]) continue;
    if (!txn) {
      absl::StatusOr<Transaction> begun =
          Transaction::Begin(*writer_, Transaction::Kind::kImmediate);
      if (!begun.ok()) {
        results[i] = begun.status();
        continue;
      }
      txn.emplace(*std::move(begun));
      first = i;
    }
    absl::StatusOr<Savepoint> sp = Savepoint::Begin(*writer_);
    if (!sp.ok()) {
      results[i] = sp.status();
      continue;
    }
    writer_->set_call(&batch[i].call);
    absl::Status s = batch[i].work(*writer_);
    writer_->set_call(nullptr);
    results[i] = Outcome(batch[i].call, s);
    if (sqlite3_get_autocommit(writer_->raw())) {
      // SQLite rolled back the whole transaction, not just this request (it
      // does so when a writing statement is interrupted, and on some I/O
      // errors). The earlier requests of the transaction lost their changes:
      // they fail with a retryable error rather than being acknowledged, and
      // the requests after this one start a fresh transaction instead of
      // running (and committing) outside any.
      for (size_t j = first; j <= i; ++j) {
        if (admitted[j] && results[j].ok()) results[j] = RolledBack();
      }
      txn.reset();
      continue;
    }
    absl::Status end = s.ok() ? sp->Release() : sp->Rollback();
    if (s.ok() && !end.ok()) results[i] = end;
  }
  if (txn) {
    absl::Status commit = txn->Commit();
    if (!commit.ok()) {
      // Nothing of the transaction is stored: every request in it fails.
      for (size_t i = first; i < batch.size(); ++i) {
        if (admitted[i] && results[i].ok()) results[i] = commit;
      }
    }
  }
  for (size_t i = 0; i < batch.size(); ++i) batch[i].done(results[i]);
}

void Database::Checkpoint(const char* mode) {
  int log_frames = 0;
  int checkpointed = 0;
  int rc = sqlite3_wal_checkpoint_v2(writer_->raw(), nullptr,
                                     absl::string_view(mode) == "TRUNCATE"
                                         ? SQLITE_CHECKPOINT_TRUNCATE
                                         : SQLITE_CHECKPOINT_PASSIVE,
                                     &log_frames, &checkpointed);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    (void)SqliteStatus(rc, writer_->raw(), "checkpoint");
  }
}

}  // namespace pumpurs::storage
