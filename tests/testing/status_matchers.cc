#include "tests/testing/status_matchers.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace pumpurs::testing {

WireError DecodeWireError(const grpc::Status& status) {
  WireError out;
  out.code = status.error_code();
  google::rpc::Status proto;
  if (!proto.ParseFromString(status.error_details())) return out;
  for (const auto& any : proto.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&info)) {
      out.reason = info.reason();
      out.domain = info.domain();
    } else if (any.UnpackTo(&bad)) {
      for (const auto& v : bad.field_violations()) {
        out.violations.push_back({v.field(), v.description()});
      }
    }
  }
  return out;
}

std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> out;
  for (const auto& v : FieldViolationsOf(status)) out.push_back(v.field);
  return out;
}

std::vector<std::string> ViolatedFields(const grpc::Status& status) {
  return ViolatedFields(ToAbsl(status));
}

}  // namespace pumpurs::testing
