#ifndef PUMPURS_SERVER_STORAGE_DATABASE_H_
#define PUMPURS_SERVER_STORAGE_DATABASE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/common/call_context.h"
#include "server/common/work_queue.h"
#include "server/storage/connection.h"
#include "server/storage/migrations.h"

namespace pumpurs::storage {

struct DatabaseOptions {
  std::string path;
  // Read-only connections, each owned by one executor thread.
  int readers = 4;
  ConnectionOptions connection;
  // How often an idle writer checkpoints the WAL into the main file.
  absl::Duration checkpoint_interval = absl::Seconds(1);
  // Most write requests committed in one transaction (group commit).
  size_t max_batch = 64;
  // Defaults to SchemaMigrations().
  std::optional<absl::Span<const Migration>> migrations;
};

// The storage executor: all SQL of the server runs here, never on gRPC's
// threads. One writer thread owns the only read-write connection and commits
// queued write requests in groups (each request in its own savepoint, so one
// failure costs only that request); reader threads each own a query_only
// connection and run each read in one snapshot transaction.
//
// `done` callbacks run on the executor thread after the outcome is final:
// for a write, after its transaction committed with the configured
// durability, so acknowledging from `done` never acknowledges a lost write.
// Work whose call is cancelled or past its deadline is not started, and a
// running query is interrupted (CANCELLED / DEADLINE_EXCEEDED).
//
// Thread-safe. Close() (or destruction) refuses new work with UNAVAILABLE,
// finishes everything queued, checkpoints and closes the file.
class Database {
 public:
  using Work = std::function<absl::Status(Connection&)>;
  using Done = std::function<void(absl::Status)>;

  static absl::StatusOr<std::unique_ptr<Database>> Open(
      const DatabaseOptions& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void Read(const CallContext& call, Work work, const Done& done);
  void Write(const CallContext& call, Work work, const Done& done);

  // Value-returning forms: `done` gets the work's value once final.
  template <typename T>
  void ReadValue(const CallContext& call,
                 std::function<absl::StatusOr<T>(Connection&)> work,
                 std::function<void(absl::StatusOr<T>)> done) {
    auto [w, d] = Bind<T>(std::move(work), std::move(done));
    Read(call, std::move(w), std::move(d));
  }
  template <typename T>
  void WriteValue(const CallContext& call,
                  std::function<absl::StatusOr<T>(Connection&)> work,
                  std::function<void(absl::StatusOr<T>)> done) {
    auto [w, d] = Bind<T>(std::move(work), std::move(done));
    Write(call, std::move(w), std::move(d));
  }

  // Blocking forms for tools, seeding and tests; never call them on a gRPC
  // thread or from inside other work.
  absl::Status ReadSync(const CallContext& call, Work work);
  absl::Status WriteSync(const CallContext& call, Work work);

  void Close();

  int schema_version() const { return schema_version_; }
  const std::string& path() const { return path_; }

 private:
  struct Task {
    CallContext call;
    Work work;
    Done done;
  };

  template <typename T>
  static std::pair<Work, Done> Bind(
      std::function<absl::StatusOr<T>(Connection&)> work,
      std::function<void(absl::StatusOr<T>)> done) {
    auto result = std::make_shared<std::optional<T>>();
    Work w = [work = std::move(work), result](Connection& c) -> absl::Status {
      absl::StatusOr<T> v = work(c);
      if (!v.ok()) return v.status();
      *result = *std::move(v);
      return absl::OkStatus();
    };
    Done d = [done = std::move(done), result](absl::Status s) {
      if (s.ok()) {
        done(std::move(**result));
      } else {
        done(std::move(s));
      }
    };
    return {std::move(w), std::move(d)};
  }

  explicit Database(const DatabaseOptions& options);
  absl::Status Start();
  void WriterLoop();
  void ReaderLoop(Connection* conn);
  void RunBatch(std::vector<Task>& batch);
  void Checkpoint(const char* mode);
  // Status to give a task that must not start, or OK.
  static absl::Status Admission(const CallContext& call);
  // Turns an interrupt into DEADLINE_EXCEEDED when the deadline caused it.
  static absl::Status Outcome(const CallContext& call, absl::Status status);

  const DatabaseOptions options_;
  const std::string path_;
  int schema_version_ = 0;
  std::unique_ptr<Connection> writer_;
  std::vector<std::unique_ptr<Connection>> readers_;
  WorkQueue<Task> write_queue_;
  WorkQueue<Task> read_queue_;
  std::vector<std::thread> threads_;
  absl::Mutex close_mu_;
  bool closed_ ABSL_GUARDED_BY(close_mu_) = false;
};

}  // namespace pumpurs::storage

#endif  // PUMPURS_SERVER_STORAGE_DATABASE_H_
