#ifndef PUMPURS_SERVER_RPC_SYNC_SERVICE_H_
#define PUMPURS_SERVER_RPC_SYNC_SERVICE_H_

#include "pumpurs/v1/sync.grpc.pb.h"
#include "server/storage/database.h"
#include "server/sync/change_notifier.h"

namespace pumpurs::rpc {

// Thin adapter of the change feed (server/sync). WatchChanges streams are
// woken by `notifier`, which must outlive the service's calls (the server
// shuts it down before gRPC's Shutdown, so open streams finish promptly).
class SyncService final : public pumpurs::v1::SyncService::CallbackService {
 public:
  SyncService(storage::Database& db, sync::ChangeNotifier& notifier)
      : db_(db), notifier_(notifier) {}

  grpc::ServerUnaryReactor* ListChanges(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListChangesRequest* req,
      pumpurs::v1::ListChangesResponse* resp) override;

  grpc::ServerWriteReactor<pumpurs::v1::WatchChangesResponse>* WatchChanges(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::WatchChangesRequest* req) override;

 private:
  storage::Database& db_;
  sync::ChangeNotifier& notifier_;
};

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_SYNC_SERVICE_H_
