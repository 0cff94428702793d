#ifndef PUMPURS_SERVER_RPC_TRAINING_SERVICE_H_
#define PUMPURS_SERVER_RPC_TRAINING_SERVICE_H_

#include "pumpurs/v1/training.grpc.pb.h"
#include "server/storage/database.h"

namespace pumpurs::rpc {

// Thin adapter of staff development (server/training).
class TrainingService final
    : public pumpurs::v1::TrainingService::CallbackService {
 public:
  explicit TrainingService(storage::Database& db) : db_(db) {}

  grpc::ServerUnaryReactor* CreateTrainingEvent(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::CreateTrainingEventRequest* req,
      pumpurs::v1::TrainingEvent* resp) override;
  grpc::ServerUnaryReactor* GetTrainingEvent(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::GetTrainingEventRequest* req,
      pumpurs::v1::TrainingEvent* resp) override;
  grpc::ServerUnaryReactor* ListTrainingEvents(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListTrainingEventsRequest* req,
      pumpurs::v1::ListTrainingEventsResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateTrainingEvent(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::UpdateTrainingEventRequest* req,
      pumpurs::v1::TrainingEvent* resp) override;
  grpc::ServerUnaryReactor* PublishTrainingEvent(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::PublishTrainingEventRequest* req,
      pumpurs::v1::TrainingEvent* resp) override;
  grpc::ServerUnaryReactor* CancelTrainingEvent(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::CancelTrainingEventRequest* req,
      pumpurs::v1::TrainingEvent* resp) override;
  grpc::ServerUnaryReactor* RegisterForTraining(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::RegisterForTrainingRequest* req,
      pumpurs::v1::Registration* resp) override;
  grpc::ServerUnaryReactor* CancelRegistration(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::CancelRegistrationRequest* req,
      pumpurs::v1::Registration* resp) override;
  grpc::ServerUnaryReactor* ListRegistrations(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListRegistrationsRequest* req,
      pumpurs::v1::ListRegistrationsResponse* resp) override;
  grpc::ServerUnaryReactor* RecordAttendance(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::RecordAttendanceRequest* req,
      pumpurs::v1::Registration* resp) override;
  grpc::ServerUnaryReactor* ListTrainingHours(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListTrainingHoursRequest* req,
      pumpurs::v1::ListTrainingHoursResponse* resp) override;

 private:
  storage::Database& db_;
};

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_TRAINING_SERVICE_H_
