#include "server/rpc/grpc_status.h"

#include <string>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "server/common/error.h"

namespace pumpurs::rpc {
namespace {

// absl::StatusCode shares google.rpc.Code's numbering.
std::string DefaultReason(absl::StatusCode code) {
  std::string name = absl::StatusCodeToString(code);
  for (char& c : name) c = c == ' ' ? '_' : static_cast<char>(std::toupper(c));
  return name;
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  std::string message(status.message());
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kUnknown) {
    message = "internal error; the server log has the details";
  }
  google::rpc::Status proto;
  proto.set_code(static_cast<int>(status.code()));
  proto.set_message(message);

  google::rpc::ErrorInfo info;
  std::string reason = ReasonOf(status);
  info.set_reason(reason.empty() ? DefaultReason(status.code()) : reason);
  info.set_domain(std::string(kErrorDomain));
  proto.add_details()->PackFrom(info);

  std::vector<FieldViolation> violations = FieldViolationsOf(status);
  if (!violations.empty()) {
    google::rpc::BadRequest bad;
    for (const FieldViolation& v : violations) {
      auto* fv = bad.add_field_violations();
      fv->set_field(v.field);
      fv->set_description(v.description);
    }
    proto.add_details()->PackFrom(bad);
  }
  if (const absl::Duration delay = RetryDelayOf(status);
      delay > absl::ZeroDuration()) {
    google::rpc::RetryInfo retry;
    const int64_t ms = absl::ToInt64Milliseconds(delay);
    retry.mutable_retry_delay()->set_seconds(ms / 1000);
    retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>(ms % 1000) *
                                           1000000);
    proto.add_details()->PackFrom(retry);
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), message,
                      proto.SerializeAsString());
}

}  // namespace pumpurs::rpc
