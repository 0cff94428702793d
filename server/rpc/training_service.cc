#include "server/rpc/training_service.h"

#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {

grpc::ServerUnaryReactor* TrainingService::CreateTrainingEvent(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::CreateTrainingEventRequest*,
    pumpurs::v1::TrainingEvent*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* TrainingService::GetTrainingEvent(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::GetTrainingEventRequest*, pumpurs::v1::TrainingEvent*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* TrainingService::ListTrainingEvents(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::ListTrainingEventsRequest*,
    pumpurs::v1::ListTrainingEventsResponse*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* TrainingService::UpdateTrainingEvent(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::UpdateTrainingEventRequest*,
    pumpurs::v1::TrainingEvent*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* TrainingService::PublishTrainingEvent(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::PublishTrainingEventRequest*,
    pumpurs::v1::TrainingEvent*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* TrainingService::CancelTrainingEvent(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::CancelTrainingEventRequest*,
    pumpurs::v1::TrainingEvent*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* TrainingService::RegisterForTraining(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::RegisterForTrainingRequest*,
    pumpurs::v1::Registration*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* TrainingService::CancelRegistration(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::CancelRegistrationRequest*, pumpurs::v1::Registration*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* TrainingService::ListRegistrations(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::ListRegistrationsRequest*,
    pumpurs::v1::ListRegistrationsResponse*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* TrainingService::RecordAttendance(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::RecordAttendanceRequest*, pumpurs::v1::Registration*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* TrainingService::ListTrainingHours(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::ListTrainingHoursRequest*,
    pumpurs::v1::ListTrainingHoursResponse*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

}  // namespace pumpurs::rpc
