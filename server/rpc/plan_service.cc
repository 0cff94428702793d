#include "server/rpc/support_plan_service.h"
#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {

grpc::ServerUnaryReactor* SupportPlanService::CreateApplication(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::CreateApplicationRequest*,
    pumpurs::v1::Application*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::GetApplication(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::GetApplicationRequest*,
    pumpurs::v1::Application*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::ListApplications(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::ListApplicationsRequest*,
    pumpurs::v1::ListApplicationsResponse*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::WithdrawApplication(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::WithdrawApplicationRequest*,
    pumpurs::v1::Application*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::CreateSupportPlan(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::CreateSupportPlanRequest*,
    pumpurs::v1::SupportPlan*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::GetSupportPlan(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::GetSupportPlanRequest*,
    pumpurs::v1::SupportPlan*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::ListSupportPlans(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::ListSupportPlansRequest*,
    pumpurs::v1::ListSupportPlansResponse*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::UpdateSupportPlan(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::UpdateSupportPlanRequest*,
    pumpurs::v1::SupportPlan*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::SuggestMeasures(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::SuggestMeasuresRequest*,
    pumpurs::v1::SuggestMeasuresResponse*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::GetSupportPlanHistory(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::GetSupportPlanHistoryRequest*,
    pumpurs::v1::GetSupportPlanHistoryResponse*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

}  // namespace pumpurs::rpc
