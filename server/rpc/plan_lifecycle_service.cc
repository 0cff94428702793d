#include "server/rpc/support_plan_service.h"
#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {

grpc::ServerUnaryReactor* SupportPlanService::SubmitSupportPlan(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::SubmitSupportPlanRequest*,
    pumpurs::v1::SupportPlan*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::ApproveSupportPlan(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::ApproveSupportPlanRequest*,
    pumpurs::v1::SupportPlan*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::RejectSupportPlan(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::RejectSupportPlanRequest*,
    pumpurs::v1::SupportPlan*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::StartSupportPlan(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::StartSupportPlanRequest*,
    pumpurs::v1::SupportPlan*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::SuspendSupportPlan(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::SuspendSupportPlanRequest*,
    pumpurs::v1::SupportPlan*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::ResumeSupportPlan(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::ResumeSupportPlanRequest*,
    pumpurs::v1::SupportPlan*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::ReviseSupportPlan(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::ReviseSupportPlanRequest*,
    pumpurs::v1::SupportPlan*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::DeleteSupportPlan(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::DeleteSupportPlanRequest*,
    pumpurs::v1::SupportPlan*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::EvaluateSupportPlan(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::EvaluateSupportPlanRequest*,
    pumpurs::v1::SupportPlan*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::AcknowledgeSupportPlan(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::AcknowledgeSupportPlanRequest*,
    pumpurs::v1::SupportPlan*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

}  // namespace pumpurs::rpc
