#include "server/rpc/system_service.h"

#include <google/protobuf/util/time_util.h>

#include "server/common/error.h"
#include "server/common/version.h"
#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {

grpc::ServerUnaryReactor* SystemService::Ping(
    grpc::CallbackServerContext* ctx, const pumpurs::v1::PingRequest* req,
    pumpurs::v1::PingResponse* resp) {
  if (req->payload().size() > 1024) {
    return Answer(ctx,
                  InvalidFieldError("payload", "must be at most 1024 bytes"));
  }
  resp->set_payload(req->payload());
  return Answer(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* SystemService::GetServerInfo(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::GetServerInfoRequest* req,
    pumpurs::v1::ServerInfo* resp) {
  resp->set_version(std::string(kVersion));
  resp->set_schema_version(schema_version_);
  *resp->mutable_start_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
          absl::ToUnixMicros(start_time_));
  return Answer(ctx, absl::OkStatus());
}

}  // namespace pumpurs::rpc
