#include "server/rpc/sync_service.h"
#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {

grpc::ServerUnaryReactor* SyncService::ListChanges(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::ListChangesRequest*,
    pumpurs::v1::ListChangesResponse*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

}  // namespace pumpurs::rpc
