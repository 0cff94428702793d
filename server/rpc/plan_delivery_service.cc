#include "server/rpc/support_plan_service.h"
#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {

grpc::ServerUnaryReactor* SupportPlanService::RecordDelivery(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::RecordDeliveryRequest*,
    pumpurs::v1::DeliveryRecord*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::ListDeliveries(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::ListDeliveriesRequest*,
    pumpurs::v1::ListDeliveriesResponse*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SupportPlanService::ListDeliveredHours(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::ListDeliveredHoursRequest*,
    pumpurs::v1::ListDeliveredHoursResponse*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

}  // namespace pumpurs::rpc
