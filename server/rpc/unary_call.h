#ifndef PUMPURS_SERVER_RPC_UNARY_CALL_H_
#define PUMPURS_SERVER_RPC_UNARY_CALL_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/auth/audit.h"
#include "server/auth/authenticate.h"
#include "server/common/call_context.h"
#include "server/rpc/call_log.h"
#include "server/rpc/grpc_status.h"
#include "server/storage/database.h"

namespace pumpurs::rpc {

// The bearer credential of a call ("authorization: Bearer <token>"), or ""
// if there is none or it is malformed (authentication then refuses it).
std::string BearerToken(const grpc::ServerContextBase& ctx);

// Builds the CallContext of an incoming call: deadline, bearer token.
CallContext NewCallContext(grpc::CallbackServerContext* ctx);

// The reactor of every unary RPC: it carries the call's deadline and
// cancellation into the storage executor (OnCancel interrupts the running
// query) and finishes exactly once. It deletes itself when gRPC is done.
class UnaryCall : public grpc::ServerUnaryReactor {
 public:
  explicit UnaryCall(grpc::CallbackServerContext* ctx)
      : ctx_(ctx), call_(NewCallContext(ctx)) {}
  CallContext& call() { return call_; }
  void Finish(const absl::Status& status) {
    NoteCallerForLog(ctx_, call_.caller_id);
    grpc::ServerUnaryReactor::Finish(ToGrpcStatus(status));
  }
  void OnCancel() override { call_.Cancel(); }
  void OnDone() override { delete this; }

 private:
  grpc::CallbackServerContext* ctx_;
  CallContext call_;
};

// Answers at once (validation failures, calls that need no storage).
inline grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* ctx,
                                        const absl::Status& status) {
  auto* reactor = new UnaryCall(ctx);
  reactor->Finish(status);
  return reactor;
}

enum class Access { kRead, kWrite };

// Whether the call's bearer token is checked before the work runs. Only the
// calls that obtain tokens (Login, RefreshToken) skip it.
enum class Authn { kCheck, kSkip };

// Runs `work` on the storage executor (a read snapshot or the writer's
// transaction) after authenticating the caller; on success `fill` writes the
// response. Audit events the work deferred (reads, refusals) are stored in a
// write of their own before the answer goes out, so no access to a pupil's
// data is answered unrecorded. For a write, the answer goes out only after
// the commit is durable.
template <typename T, typename Response>
grpc::ServerUnaryReactor* Serve(
    grpc::CallbackServerContext* ctx, storage::Database& db, Access access,
    std::function<absl::StatusOr<T>(const CallContext&, storage::Connection&)>
        work,
    Response* response, std::function<void(const T&, Response*)> fill,
    Authn authn = Authn::kCheck) {
  auto* reactor = new UnaryCall(ctx);
  CallContext& call = reactor->call();
  std::function<absl::StatusOr<T>(storage::Connection&)> bound =
      [work = std::move(work), &call,
       authn](storage::Connection& c) -> absl::StatusOr<T> {
    if (authn == Authn::kCheck) {
      absl::Status s = auth::Authenticate(c, call, absl::Now());
      if (!s.ok()) return s;
    }
    return work(call, c);
  };
  std::function<void(absl::StatusOr<T>)> done =
      [reactor, &db, &call, response,
       fill = std::move(fill)](absl::StatusOr<T> result) {
        if (call.deferred_audit->empty()) {
          if (result.ok()) fill(*result, response);
          reactor->Finish(result.status());
          return;
        }
        // Runs on the executor thread that finished the work; the audit
        // write is queued, never waited for, so no executor thread blocks.
        auto held = std::make_shared<absl::StatusOr<T>>(std::move(result));
        CallContext audit_call = call;
        audit_call.deadline = absl::InfiniteFuture();
        audit_call.cancelled = std::make_shared<std::atomic<bool>>(false);
        db.Write(
            audit_call,
            [&call](storage::Connection& c) {
              return auth::StoreDeferredAudit(c, call, absl::Now());
            },
            [reactor, response, fill, held](const absl::Status& stored) {
              if (!stored.ok()) {
                // Unaudited access is not answered.
                reactor->Finish(stored);
                return;
              }
              if (held->ok()) fill(**held, response);
              reactor->Finish(held->status());
            });
      };
  if (access == Access::kRead) {
    db.ReadValue<T>(call, std::move(bound), std::move(done));
  } else {
    db.WriteValue<T>(call, std::move(bound), std::move(done));
  }
  return reactor;
}

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_UNARY_CALL_H_
