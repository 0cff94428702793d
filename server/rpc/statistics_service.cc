// StatisticsService: everything happens in server/statistics in one read
// snapshot; the adapter only copies the answer.

#include "server/rpc/statistics_service.h"

#include "server/rpc/unary_call.h"
#include "server/statistics/csv.h"
#include "server/statistics/indicators.h"

namespace pumpurs::rpc {

namespace v1 = ::pumpurs::v1;
using storage::Connection;

grpc::ServerUnaryReactor* StatisticsService::GetProgrammeIndicators(
    grpc::CallbackServerContext* ctx,
    const v1::GetProgrammeIndicatorsRequest* req,
    v1::ProgrammeIndicators* resp) {
  return Serve<v1::ProgrammeIndicators, v1::ProgrammeIndicators>(
      ctx, db_, Access::kRead,
      [in = *req](const CallContext& call, Connection& c) {
        return statistics::GetProgrammeIndicators(c, call, in);
      },
      resp,
      [](const v1::ProgrammeIndicators& r, v1::ProgrammeIndicators* out) {
        *out = r;
      });
}

grpc::ServerUnaryReactor* StatisticsService::ExportProgrammeIndicators(
    grpc::CallbackServerContext* ctx,
    const v1::ExportProgrammeIndicatorsRequest* req,
    v1::ExportProgrammeIndicatorsResponse* resp) {
  return Serve<v1::ExportProgrammeIndicatorsResponse,
               v1::ExportProgrammeIndicatorsResponse>(
      ctx, db_, Access::kRead,
      [in = *req](const CallContext& call, Connection& c) {
        return statistics::ExportProgrammeIndicators(c, call, in);
      },
      resp,
      [](const v1::ExportProgrammeIndicatorsResponse& r,
         v1::ExportProgrammeIndicatorsResponse* out) { *out = r; });
}

}  // namespace pumpurs::rpc
