#ifndef PUMPURS_SERVER_RPC_SYNC_SERVICE_H_
#define PUMPURS_SERVER_RPC_SYNC_SERVICE_H_

#include "pumpurs/v1/sync.grpc.pb.h"
#include "server/storage/database.h"

namespace pumpurs::rpc {

// Thin adapter of the change feed (server/sync).
class SyncService final : public pumpurs::v1::SyncService::CallbackService {
 public:
  explicit SyncService(storage::Database& db) : db_(db) {}

  grpc::ServerUnaryReactor* ListChanges(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListChangesRequest* req,
      pumpurs::v1::ListChangesResponse* resp) override;

 private:
  storage::Database& db_;
};

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_SYNC_SERVICE_H_
