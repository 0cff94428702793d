#include "server/rpc/initiative_service.h"

#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {

grpc::ServerUnaryReactor* YouthInitiativeService::CreateCall(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::CreateCallRequest*,
    pumpurs::v1::Call*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* YouthInitiativeService::GetCall(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::GetCallRequest*,
    pumpurs::v1::Call*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* YouthInitiativeService::ListCalls(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::ListCallsRequest*,
    pumpurs::v1::ListCallsResponse*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* YouthInitiativeService::UpdateCall(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::UpdateCallRequest*,
    pumpurs::v1::Call*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* YouthInitiativeService::OpenCall(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::OpenCallRequest*,
    pumpurs::v1::Call*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* YouthInitiativeService::CreateInitiative(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::CreateInitiativeRequest*, pumpurs::v1::Initiative*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* YouthInitiativeService::GetInitiative(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::GetInitiativeRequest*,
    pumpurs::v1::Initiative*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* YouthInitiativeService::ListInitiatives(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::ListInitiativesRequest*,
    pumpurs::v1::ListInitiativesResponse*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* YouthInitiativeService::UpdateInitiative(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::UpdateInitiativeRequest*, pumpurs::v1::Initiative*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* YouthInitiativeService::SubmitInitiative(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::SubmitInitiativeRequest*, pumpurs::v1::Initiative*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* YouthInitiativeService::WithdrawInitiative(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::WithdrawInitiativeRequest*, pumpurs::v1::Initiative*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

}  // namespace pumpurs::rpc
