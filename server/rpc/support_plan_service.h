#ifndef PUMPURS_SERVER_RPC_SUPPORT_PLAN_SERVICE_H_
#define PUMPURS_SERVER_RPC_SUPPORT_PLAN_SERVICE_H_

#include "pumpurs/v1/support_plan.grpc.pb.h"
#include "server/storage/database.h"

namespace pumpurs::rpc {

// Thin adapter of the support plans (server/plans): applications, plan
// contents and history in plan_service.cc; transitions in
// plan_lifecycle_service.cc; delivery records in plan_delivery_service.cc.
class SupportPlanService final
    : public pumpurs::v1::SupportPlanService::CallbackService {
 public:
  explicit SupportPlanService(storage::Database& db) : db_(db) {}

  // plan_service.cc
  grpc::ServerUnaryReactor* CreateApplication(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::CreateApplicationRequest* req,
      pumpurs::v1::Application* resp) override;
  grpc::ServerUnaryReactor* GetApplication(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::GetApplicationRequest* req,
      pumpurs::v1::Application* resp) override;
  grpc::ServerUnaryReactor* ListApplications(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListApplicationsRequest* req,
      pumpurs::v1::ListApplicationsResponse* resp) override;
  grpc::ServerUnaryReactor* WithdrawApplication(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::WithdrawApplicationRequest* req,
      pumpurs::v1::Application* resp) override;
  grpc::ServerUnaryReactor* CreateSupportPlan(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::CreateSupportPlanRequest* req,
      pumpurs::v1::SupportPlan* resp) override;
  grpc::ServerUnaryReactor* GetSupportPlan(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::GetSupportPlanRequest* req,
      pumpurs::v1::SupportPlan* resp) override;
  grpc::ServerUnaryReactor* ListSupportPlans(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListSupportPlansRequest* req,
      pumpurs::v1::ListSupportPlansResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateSupportPlan(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::UpdateSupportPlanRequest* req,
      pumpurs::v1::SupportPlan* resp) override;
  grpc::ServerUnaryReactor* SuggestMeasures(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::SuggestMeasuresRequest* req,
      pumpurs::v1::SuggestMeasuresResponse* resp) override;
  grpc::ServerUnaryReactor* GetSupportPlanHistory(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::GetSupportPlanHistoryRequest* req,
      pumpurs::v1::GetSupportPlanHistoryResponse* resp) override;

  // plan_lifecycle_service.cc
  grpc::ServerUnaryReactor* SubmitSupportPlan(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::SubmitSupportPlanRequest* req,
      pumpurs::v1::SupportPlan* resp) override;
  grpc::ServerUnaryReactor* ApproveSupportPlan(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ApproveSupportPlanRequest* req,
      pumpurs::v1::SupportPlan* resp) override;
  grpc::ServerUnaryReactor* RejectSupportPlan(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::RejectSupportPlanRequest* req,
      pumpurs::v1::SupportPlan* resp) override;
  grpc::ServerUnaryReactor* StartSupportPlan(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::StartSupportPlanRequest* req,
      pumpurs::v1::SupportPlan* resp) override;
  grpc::ServerUnaryReactor* SuspendSupportPlan(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::SuspendSupportPlanRequest* req,
      pumpurs::v1::SupportPlan* resp) override;
  grpc::ServerUnaryReactor* ResumeSupportPlan(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ResumeSupportPlanRequest* req,
      pumpurs::v1::SupportPlan* resp) override;
  grpc::ServerUnaryReactor* ReviseSupportPlan(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ReviseSupportPlanRequest* req,
      pumpurs::v1::SupportPlan* resp) override;
  grpc::ServerUnaryReactor* DeleteSupportPlan(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::DeleteSupportPlanRequest* req,
      pumpurs::v1::SupportPlan* resp) override;
  grpc::ServerUnaryReactor* EvaluateSupportPlan(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::EvaluateSupportPlanRequest* req,
      pumpurs::v1::SupportPlan* resp) override;
  grpc::ServerUnaryReactor* AcknowledgeSupportPlan(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::AcknowledgeSupportPlanRequest* req,
      pumpurs::v1::SupportPlan* resp) override;

  // plan_delivery_service.cc
  grpc::ServerUnaryReactor* RecordDelivery(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::RecordDeliveryRequest* req,
      pumpurs::v1::DeliveryRecord* resp) override;
  grpc::ServerUnaryReactor* ListDeliveries(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListDeliveriesRequest* req,
      pumpurs::v1::ListDeliveriesResponse* resp) override;
  grpc::ServerUnaryReactor* ListDeliveredHours(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListDeliveredHoursRequest* req,
      pumpurs::v1::ListDeliveredHoursResponse* resp) override;

 private:
  storage::Database& db_;
};

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_SUPPORT_PLAN_SERVICE_H_
