#ifndef PUMPURS_SERVER_RPC_AUDIT_SERVICE_H_
#define PUMPURS_SERVER_RPC_AUDIT_SERVICE_H_

#include "pumpurs/v1/audit.grpc.pb.h"
#include "server/storage/database.h"

namespace pumpurs::rpc {

// Thin adapter of the audit trail's reads (auth/audit_query.h). There are
// no methods that change or delete events.
class AuditService final : public pumpurs::v1::AuditService::CallbackService {
 public:
  explicit AuditService(storage::Database& db) : db_(db) {}

  grpc::ServerUnaryReactor* ListAuditEvents(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListAuditEventsRequest* req,
      pumpurs::v1::ListAuditEventsResponse* resp) override;
  grpc::ServerUnaryReactor* ListPupilAccess(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListPupilAccessRequest* req,
      pumpurs::v1::ListPupilAccessResponse* resp) override;

 private:
  storage::Database& db_;
};

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_AUDIT_SERVICE_H_
