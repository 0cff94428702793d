#include "server/rpc/sync_service.h"

#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/auth/audit.h"
#include "server/auth/authenticate.h"
#include "server/common/error.h"
#include "server/rpc/call_log.h"
#include "server/rpc/grpc_status.h"
#include "server/rpc/unary_call.h"
#include "server/sync/changes.h"

namespace pumpurs::rpc {
namespace {

namespace v1 = ::pumpurs::v1;
using storage::Connection;
using sync::ChangeNotifier;
using sync::ChangesPage;

class WatchCall;

// One WatchChanges stream. It runs as a chain of steps, exactly one in
// flight at a time: read a page on the executor (re-authenticating, so a
// revoked or expired session stops receiving), store the page's audit
// events, write the page, then read again at once (more waiting) or wait for
// the notifier (a newer change, a heartbeat, shutdown). Cancellation can
// arrive at any time: it interrupts the step in flight, whose completion
// finishes the call; a waiting stream is finished by OnCancel itself. The
// phase, under the mutex, decides who finishes, so Finish runs exactly once.
//
// The reactor is deleted when gRPC is done with it; this state is shared
// with every callback handed to the executor or the notifier, so a late
// callback finds it alive and, the call being done, does nothing.
class WatchSession : public std::enable_shared_from_this<WatchSession> {
 public:
  WatchSession(WatchCall* reactor, grpc::CallbackServerContext* ctx,
               storage::Database& db, ChangeNotifier& notifier, int64_t after)
      : reactor_(reactor),
        ctx_(ctx),
        db_(db),
        notifier_(notifier),
        call_(NewCallContext(ctx)),
        cancelled_flag_(call_.cancelled),
        after_(after) {}

  void Start() { Read(/*heartbeat=*/false); }
  void OnWriteDone(bool ok);
  void OnCancel();
  // For a request refused before any step.
  void FinishEarly(const absl::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      phase_ = Phase::kDone;
    }
    FinishNow(status);
  }

 private:
  enum class Phase { kReading, kStoring, kWriting, kWaiting, kDone };

  void Read(bool heartbeat);
  void OnRead(absl::StatusOr<ChangesPage> page, bool heartbeat);
  void OnStored(const absl::Status& stored);
  void Send();
  void Wait();
  void OnWake(ChangeNotifier::Wake why);
  // Moves to `next` unless the call is cancelled or done; on cancellation
  // finishes it (CANCELLED) and returns false.
  bool Continue(Phase next);
  // Only after this thread moved the phase to kDone.
  void FinishNow(const absl::Status& status);

  WatchCall* const reactor_;  // valid until FinishNow
  grpc::CallbackServerContext* const ctx_;
  storage::Database& db_;
  ChangeNotifier& notifier_;

  absl::Mutex mu_;
  Phase phase_ ABSL_GUARDED_BY(mu_) = Phase::kReading;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;

  // Used by the one step in flight only (steps hand over through the
  // executor's and gRPC's queues).
  CallContext call_;
  const std::shared_ptr<std::atomic<bool>> cancelled_flag_;
  int64_t after_;
  bool first_ = true;
  bool has_more_ = false;
  v1::WatchChangesResponse response_;
};

class WatchCall : public grpc::ServerWriteReactor<v1::WatchChangesResponse> {
 public:
  WatchCall(grpc::CallbackServerContext* ctx, storage::Database& db,
            ChangeNotifier& notifier, int64_t after)
      : session_(
            std::make_shared<WatchSession>(this, ctx, db, notifier, after)) {}
  WatchSession& session() { return *session_; }
  // A reaction may finish the call, and OnDone (deleting this) may follow
  // before it returns: the reaction runs on its own reference.
  void OnWriteDone(bool ok) override {
    std::shared_ptr<WatchSession> session = session_;
    session->OnWriteDone(ok);
  }
  void OnCancel() override {
    std::shared_ptr<WatchSession> session = session_;
    session->OnCancel();
  }
  void OnDone() override { delete this; }

 private:
  std::shared_ptr<WatchSession> session_;
};

absl::Status Cancelled() {
  return Error(absl::StatusCode::kCancelled, "CALL_CANCELLED",
               "the call was cancelled");
}

absl::Status ShuttingDown() {
  return Error(absl::StatusCode::kUnavailable, "SHUTTING_DOWN",
               "the server is shutting down; watch again with the last "
               "sync_token");
}

void WatchSession::FinishNow(const absl::Status& status) {
  NoteCallerForLog(ctx_, call_.caller_id);
  reactor_->Finish(ToGrpcStatus(status));
}

bool WatchSession::Continue(Phase next) {
  {
    absl::MutexLock lock(&mu_);
    if (phase_ == Phase::kDone) return false;
    if (!cancelled_) {
      phase_ = next;
      return true;
    }
    phase_ = Phase::kDone;
  }
  FinishNow(Cancelled());
  return false;
}

void WatchSession::Read(bool heartbeat) {
  call_.deferred_audit = std::make_shared<std::vector<AuditEvent>>();
  const sync::ChangesRequest request{after_, sync::kDefaultChangesPageSize};
  auto self = shared_from_this();
  db_.ReadValue<ChangesPage>(
      call_,
      [self, request](Connection& c) -> absl::StatusOr<ChangesPage> {
        absl::Status s = auth::Authenticate(c, self->call_, absl::Now());
        if (!s.ok()) return s;
        return sync::ListChanges(c, self->call_, request);
      },
      [self, heartbeat](absl::StatusOr<ChangesPage> page) {
        self->OnRead(std::move(page), heartbeat);
      });
}

void WatchSession::OnRead(absl::StatusOr<ChangesPage> page, bool heartbeat) {
  if (!Continue(Phase::kReading)) return;
  if (!page.ok()) {
    {
      absl::MutexLock lock(&mu_);
      phase_ = Phase::kDone;
    }
    FinishNow(page.status());
    return;
  }
  after_ = page->last_seq;
  has_more_ = page->has_more;
  // The first batch goes out even if empty: the client learns the stream
  // is live and gets a token.
  const bool send = first_ || heartbeat || !page->changes.empty();
  first_ = false;
  if (!send) {
    if (has_more_) {
      Read(false);
    } else {
      Wait();
    }
    return;
  }
  response_.Clear();
  for (v1::Change& change : page->changes) {
    *response_.add_changes() = std::move(change);
  }
  response_.set_sync_token(page->next_sync_token());
  if (call_.deferred_audit->empty()) {
    Send();
    return;
  }
  if (!Continue(Phase::kStoring)) return;
  // As rpc::Serve: the reads are recorded before the data goes out, in a
  // write of their own that the stream's cancellation does not interrupt.
  CallContext audit = call_;
  audit.deadline = absl::InfiniteFuture();
  audit.cancelled = std::make_shared<std::atomic<bool>>(false);
  auto self = shared_from_this();
  db_.Write(
      audit,
      [audit](Connection& c) {
        return auth::StoreDeferredAudit(c, audit, absl::Now());
      },
      [self](const absl::Status& stored) { self->OnStored(stored); });
}

void WatchSession::OnStored(const absl::Status& stored) {
  if (!stored.ok()) {
    {
      absl::MutexLock lock(&mu_);
      phase_ = Phase::kDone;
    }
    // Unaudited access is not answered.
    FinishNow(stored);
    return;
  }
  Send();
}

void WatchSession::Send() {
  if (!Continue(Phase::kWriting)) return;
  reactor_->StartWrite(&response_);
}

void WatchSession::OnWriteDone(bool ok) {
  if (!ok) {
    // The client is gone (or the call was cancelled): nobody hears the
    // status, but the call must still finish.
    {
      absl::MutexLock lock(&mu_);
      phase_ = Phase::kDone;
    }
    FinishNow(Cancelled());
    return;
  }
  if (has_more_) {
    if (Continue(Phase::kReading)) Read(false);
    return;
  }
  Wait();
}

void WatchSession::Wait() {
  if (!Continue(Phase::kWaiting)) return;
  auto self = shared_from_this();
  notifier_.Watch(this, after_,
                  [self](ChangeNotifier::Wake why) { self->OnWake(why); });
  // OnCancel may have finished the call between the phase change and the
  // registration: drop the registration rather than keep it until its
  // heartbeat.
  bool done;
  {
    absl::MutexLock lock(&mu_);
    done = phase_ == Phase::kDone;
  }
  if (done) notifier_.Cancel(this);
}

void WatchSession::OnWake(ChangeNotifier::Wake why) {
  {
    absl::MutexLock lock(&mu_);
    // A wake-up that lost the race against OnCancel.
    if (phase_ != Phase::kWaiting) return;
    if (why == ChangeNotifier::Wake::kShutdown) {
      phase_ = Phase::kDone;
    } else {
      phase_ = Phase::kReading;
    }
  }
  if (why == ChangeNotifier::Wake::kShutdown) {
    FinishNow(ShuttingDown());
    return;
  }
  Read(why == ChangeNotifier::Wake::kHeartbeat);
}

void WatchSession::OnCancel() {
  cancelled_flag_->store(true, std::memory_order_relaxed);
  {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    // Any other phase has a step in flight, whose completion finishes.
    if (phase_ != Phase::kWaiting) return;
    phase_ = Phase::kDone;
  }
  notifier_.Cancel(this);
  FinishNow(Cancelled());
}

}  // namespace

grpc::ServerUnaryReactor* SyncService::ListChanges(
    grpc::CallbackServerContext* ctx, const v1::ListChangesRequest* req,
    v1::ListChangesResponse* resp) {
  absl::StatusOr<sync::ChangesRequest> request =
      sync::ParseChangesRequest(req->sync_token(), req->page_size());
  if (!request.ok()) return Answer(ctx, request.status());
  return Serve<ChangesPage, v1::ListChangesResponse>(
      ctx, db_, Access::kRead,
      [request = *request](const CallContext& call, Connection& c) {
        return sync::ListChanges(c, call, request);
      },
      resp,
      [](const ChangesPage& page, v1::ListChangesResponse* out) {
        for (const v1::Change& change : page.changes) {
          *out->add_changes() = change;
        }
        out->set_next_sync_token(page.next_sync_token());
        out->set_has_more(page.has_more);
      });
}

grpc::ServerWriteReactor<v1::WatchChangesResponse>* SyncService::WatchChanges(
    grpc::CallbackServerContext* ctx, const v1::WatchChangesRequest* req) {
  absl::StatusOr<int64_t> after = sync::DecodeSyncToken(req->sync_token());
  auto* call = new WatchCall(ctx, db_, notifier_, after.ok() ? *after : 0);
  if (!after.ok()) {
    call->session().FinishEarly(after.status());
  } else {
    call->session().Start();
  }
  return call;
}

}  // namespace pumpurs::rpc
