#ifndef PUMPURS_SERVER_RPC_SYSTEM_SERVICE_H_
#define PUMPURS_SERVER_RPC_SYSTEM_SERVICE_H_

#include "absl/time/time.h"
#include "pumpurs/v1/system.grpc.pb.h"

namespace pumpurs::rpc {

class SystemService final : public pumpurs::v1::SystemService::CallbackService {
 public:
  SystemService(int schema_version, absl::Time start_time)
      : schema_version_(schema_version), start_time_(start_time) {}

  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* ctx,
                                 const pumpurs::v1::PingRequest* req,
                                 pumpurs::v1::PingResponse* resp) override;
  grpc::ServerUnaryReactor* GetServerInfo(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::GetServerInfoRequest* req,
      pumpurs::v1::ServerInfo* resp) override;

 private:
  const int schema_version_;
  const absl::Time start_time_;
};

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_SYSTEM_SERVICE_H_
