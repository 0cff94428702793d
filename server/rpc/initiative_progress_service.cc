#include "server/rpc/initiative_service.h"
#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {

grpc::ServerUnaryReactor* YouthInitiativeService::ScoreInitiative(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::ScoreInitiativeRequest*, pumpurs::v1::Initiative*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* YouthInitiativeService::DecideCall(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::DecideCallRequest*,
    pumpurs::v1::DecideCallResponse*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* YouthInitiativeService::StartInitiative(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::StartInitiativeRequest*, pumpurs::v1::Initiative*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* YouthInitiativeService::SubmitReport(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::SubmitReportRequest*,
    pumpurs::v1::Initiative*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* YouthInitiativeService::AcceptReport(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::AcceptReportRequest*,
    pumpurs::v1::Initiative*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

}  // namespace pumpurs::rpc
