#ifndef PUMPURS_SERVER_RPC_INITIATIVE_SERVICE_H_
#define PUMPURS_SERVER_RPC_INITIATIVE_SERVICE_H_

#include "pumpurs/v1/youth_initiative.grpc.pb.h"
#include "server/storage/database.h"

namespace pumpurs::rpc {

// Thin adapter of youth initiatives (server/initiatives): calls and project
// applications in initiative_service.cc; evaluation, decision and the
// project's run in initiative_progress_service.cc.
class YouthInitiativeService final
    : public pumpurs::v1::YouthInitiativeService::CallbackService {
 public:
  explicit YouthInitiativeService(storage::Database& db) : db_(db) {}

  // initiative_service.cc
  grpc::ServerUnaryReactor* CreateCall(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::CreateCallRequest* req,
      pumpurs::v1::Call* resp) override;
  grpc::ServerUnaryReactor* GetCall(grpc::CallbackServerContext* ctx,
                                    const pumpurs::v1::GetCallRequest* req,
                                    pumpurs::v1::Call* resp) override;
  grpc::ServerUnaryReactor* ListCalls(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListCallsRequest* req,
      pumpurs::v1::ListCallsResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateCall(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::UpdateCallRequest* req,
      pumpurs::v1::Call* resp) override;
  grpc::ServerUnaryReactor* OpenCall(grpc::CallbackServerContext* ctx,
                                     const pumpurs::v1::OpenCallRequest* req,
                                     pumpurs::v1::Call* resp) override;
  grpc::ServerUnaryReactor* CreateInitiative(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::CreateInitiativeRequest* req,
      pumpurs::v1::Initiative* resp) override;
  grpc::ServerUnaryReactor* GetInitiative(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::GetInitiativeRequest* req,
      pumpurs::v1::Initiative* resp) override;
  grpc::ServerUnaryReactor* ListInitiatives(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListInitiativesRequest* req,
      pumpurs::v1::ListInitiativesResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateInitiative(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::UpdateInitiativeRequest* req,
      pumpurs::v1::Initiative* resp) override;
  grpc::ServerUnaryReactor* SubmitInitiative(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::SubmitInitiativeRequest* req,
      pumpurs::v1::Initiative* resp) override;
  grpc::ServerUnaryReactor* WithdrawInitiative(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::WithdrawInitiativeRequest* req,
      pumpurs::v1::Initiative* resp) override;

  // initiative_progress_service.cc
  grpc::ServerUnaryReactor* ScoreInitiative(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ScoreInitiativeRequest* req,
      pumpurs::v1::Initiative* resp) override;
  grpc::ServerUnaryReactor* DecideCall(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::DecideCallRequest* req,
      pumpurs::v1::DecideCallResponse* resp) override;
  grpc::ServerUnaryReactor* StartInitiative(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::StartInitiativeRequest* req,
      pumpurs::v1::Initiative* resp) override;
  grpc::ServerUnaryReactor* SubmitReport(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::SubmitReportRequest* req,
      pumpurs::v1::Initiative* resp) override;
  grpc::ServerUnaryReactor* AcceptReport(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::AcceptReportRequest* req,
      pumpurs::v1::Initiative* resp) override;

 private:
  storage::Database& db_;
};

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_INITIATIVE_SERVICE_H_
