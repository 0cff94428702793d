#ifndef PUMPURS_SERVER_RPC_STATISTICS_SERVICE_H_
#define PUMPURS_SERVER_RPC_STATISTICS_SERVICE_H_

#include "pumpurs/v1/statistics.grpc.pb.h"
#include "server/storage/database.h"

namespace pumpurs::rpc {

// Thin adapter of programme statistics (server/statistics).
class StatisticsService final
    : public pumpurs::v1::StatisticsService::CallbackService {
 public:
  explicit StatisticsService(storage::Database& db) : db_(db) {}

  grpc::ServerUnaryReactor* GetProgrammeIndicators(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::GetProgrammeIndicatorsRequest* req,
      pumpurs::v1::ProgrammeIndicators* resp) override;
  grpc::ServerUnaryReactor* ExportProgrammeIndicators(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ExportProgrammeIndicatorsRequest* req,
      pumpurs::v1::ExportProgrammeIndicatorsResponse* resp) override;

 private:
  storage::Database& db_;
};

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_STATISTICS_SERVICE_H_
