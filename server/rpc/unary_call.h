#ifndef PUMPURS_SERVER_RPC_UNARY_CALL_H_
#define PUMPURS_SERVER_RPC_UNARY_CALL_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/common/call_context.h"
#include "server/rpc/call_log.h"
#include "server/rpc/grpc_status.h"
#include "server/storage/database.h"

namespace pumpurs::rpc {

// The reactor of every unary RPC: it carries the call's deadline and
// cancellation into the storage executor (OnCancel interrupts the running
// query) and finishes exactly once. It deletes itself when gRPC is done.
class UnaryCall : public grpc::ServerUnaryReactor {
 public:
  explicit UnaryCall(grpc::CallbackServerContext* ctx) {
    call_.deadline = absl::FromChrono(ctx->deadline());
    call_.caller_id = CallerIdForLog(ctx);
  }
  const CallContext& call() const { return call_; }
  void Finish(const absl::Status& status) {
    grpc::ServerUnaryReactor::Finish(ToGrpcStatus(status));
  }
  void OnCancel() override { call_.Cancel(); }
  void OnDone() override { delete this; }

 private:
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

// Runs `work` on the storage executor (a read snapshot or the writer's
// transaction); on success `fill` writes the response; then finishes. For a
// write, the answer goes out only after the commit is durable.
template <typename T, typename Response>
grpc::ServerUnaryReactor* Serve(
    grpc::CallbackServerContext* ctx, storage::Database& db, Access access,
    std::function<absl::StatusOr<T>(const CallContext&, storage::Connection&)>
        work,
    Response* response, std::function<void(const T&, Response*)> fill) {
  auto* reactor = new UnaryCall(ctx);
  const CallContext& call = reactor->call();
  std::function<absl::StatusOr<T>(storage::Connection&)> bound =
      [work = std::move(work), &call](storage::Connection& c) {
        return work(call, c);
      };
  std::function<void(absl::StatusOr<T>)> done =
      [reactor, response, fill = std::move(fill)](absl::StatusOr<T> result) {
        if (result.ok()) fill(*result, response);
        reactor->Finish(result.status());
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
