#ifndef PUMPURS_SERVER_RPC_IMPORT_CALL_H_
#define PUMPURS_SERVER_RPC_IMPORT_CALL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pumpurs/v1/directory.pb.h"
#include "server/common/call_context.h"
#include "server/directory/import.h"
#include "server/storage/database.h"

namespace pumpurs::rpc {

// The reactor of DirectoryService.ImportPeople (server streaming). It never
// blocks a gRPC thread:
//  1. a read task on the storage executor authenticates, authorizes,
//     parses and checks every row (directory::PrepareImport), streaming
//     progress (rows_done / rows_total) at most ten times a second;
//  2. unless a row is bad or the request is validate_only, a write task
//     stores the rows in one transaction (directory::ApplyImport);
//  3. the audit events the work deferred are stored, then the final message
//     (done, counts, errors) goes out and the call finishes OK — or, if any
//     row is bad, INVALID_ARGUMENT (reason IMPORT_ROWS_INVALID) after the
//     final message. Request problems and refusals finish with their status
//     and no final message.
// At most one message is in flight; a progress message that finds one in
// flight replaces the waiting one. Cancellation reaches the executor (the
// work stops between rows and queries are interrupted). Deletes itself.
class ImportCall
    : public grpc::ServerWriteReactor<pumpurs::v1::ImportPeopleResponse> {
 public:
  // Starts the call; `request` stays valid until OnDone.
  static ImportCall* Start(grpc::CallbackServerContext* ctx,
                           storage::Database& db,
                           const pumpurs::v1::ImportPeopleRequest* request);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  ImportCall(grpc::CallbackServerContext* ctx, storage::Database& db,
             const pumpurs::v1::ImportPeopleRequest* request);

  void Run();
  // Executor thread: a progress report of the check.
  void Progress(int rows_done, int rows_total);
  // Executor thread: phase 1 ended.
  void Checked(absl::StatusOr<std::shared_ptr<directory::ImportPlan>> plan);
  // Executor thread: the work ended; stores deferred audit events, then
  // answers.
  void Conclude(absl::StatusOr<directory::ImportReport> report);
  void Answer(const absl::StatusOr<directory::ImportReport>& report);
  // Sends `last` (if any), then finishes with `status`.
  void End(std::optional<pumpurs::v1::ImportPeopleResponse> last,
           const absl::Status& status);
  // Starts writing `message` unless one is in flight (then it waits,
  // replacing a waiting progress message).
  void Send(pumpurs::v1::ImportPeopleResponse message);
  // Under mu_: what to do now that no write is in flight.
  enum class Next { kNothing, kWrite, kFinish };
  Next Advance() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Act(Next next);

  grpc::CallbackServerContext* const ctx_;
  storage::Database& db_;
  const pumpurs::v1::ImportPeopleRequest* const request_;
  CallContext call_;

  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;  // a write failed
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time last_progress_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::optional<pumpurs::v1::ImportPeopleResponse> waiting_
      ABSL_GUARDED_BY(mu_);
  std::optional<pumpurs::v1::ImportPeopleResponse> last_ ABSL_GUARDED_BY(mu_);
  std::optional<grpc::Status> finish_ ABSL_GUARDED_BY(mu_);
  // The message being written; untouched until OnWriteDone.
  pumpurs::v1::ImportPeopleResponse in_flight_;
};

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_IMPORT_CALL_H_
