#include "client-lib/src/grpc_error.h"

#include <string>
#include <vector>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "server/common/error.h"

namespace pumpurs::client::internal {

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  // grpc::StatusCode and absl::StatusCode both follow google.rpc.Code.
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()),
                   status.error_message());
  if (out.ok()) {
    // Cannot happen for a failed grpc::Status; keep the failure anyway.
    return absl::UnknownError(status.error_message());
  }
  if (status.error_details().empty()) return out;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return out;
  std::vector<FieldViolation> violations;
  for (const google::protobuf::Any& any : details.details()) {
    if (any.Is<google::rpc::ErrorInfo>()) {
      google::rpc::ErrorInfo info;
      if (any.UnpackTo(&info) && !info.reason().empty()) {
        out = WithReason(std::move(out), info.reason());
      }
    } else if (any.Is<google::rpc::RetryInfo>()) {
      google::rpc::RetryInfo retry;
      if (any.UnpackTo(&retry)) {
        out = WithRetryDelay(
            std::move(out), absl::Seconds(retry.retry_delay().seconds()) +
                                absl::Nanoseconds(retry.retry_delay().nanos()));
      }
    } else if (any.Is<google::rpc::BadRequest>()) {
      google::rpc::BadRequest bad;
      if (!any.UnpackTo(&bad)) continue;
      for (const auto& v : bad.field_violations()) {
        violations.push_back({v.field(), v.description()});
      }
    }
  }
  if (!violations.empty()) {
    out = WithFieldViolations(std::move(out), violations);
  }
  return out;
}

}  // namespace pumpurs::client::internal
