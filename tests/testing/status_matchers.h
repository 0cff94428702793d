#ifndef PUMPURS_TESTS_TESTING_STATUS_MATCHERS_H_
#define PUMPURS_TESTS_TESTING_STATUS_MATCHERS_H_

#include <grpcpp/support/status.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "server/common/error.h"

namespace pumpurs::testing {

// What a grpc::Status carries in google.rpc.Status details.
struct WireError {
  int code = 0;
  std::string reason;
  std::string domain;
  std::vector<FieldViolation> violations;
};
WireError DecodeWireError(const grpc::Status& status);

// The fields named by a status's violations (absl or wire).
std::vector<std::string> ViolatedFields(const absl::Status& status);
std::vector<std::string> ViolatedFields(const grpc::Status& status);

inline absl::Status ToAbsl(const absl::Status& s) { return s; }
template <typename T>
absl::Status ToAbsl(const absl::StatusOr<T>& s) {
  return s.status();
}
inline absl::Status ToAbsl(const grpc::Status& s) {
  WireError e = DecodeWireError(s);
  absl::Status out(static_cast<absl::StatusCode>(s.error_code()),
                   s.error_message());
  if (!e.reason.empty()) out = WithReason(out, e.reason);
  return WithFieldViolations(out, e.violations);
}

MATCHER(IsOk, "is OK") {
  absl::Status s = ToAbsl(arg);
  if (!s.ok()) *result_listener << "status: " << s.ToString();
  return s.ok();
}

MATCHER_P(StatusIs, code, "has code " + absl::StatusCodeToString(code)) {
  absl::Status s = ToAbsl(arg);
  *result_listener << "status: " << s.ToString();
  return s.code() == code;
}

MATCHER_P(HasReason, reason, std::string("has reason ") + reason) {
  absl::Status s = ToAbsl(arg);
  *result_listener << "reason: " << ReasonOf(s);
  return ReasonOf(s) == reason;
}

// Every field in `fields` has a violation (others may too).
MATCHER_P(ViolatesFields, fields, "names the bad fields") {
  absl::Status s = ToAbsl(arg);
  std::vector<std::string> got;
  for (const auto& v : FieldViolationsOf(s)) got.push_back(v.field);
  *result_listener << "violations:";
  for (const auto& f : got) *result_listener << " " << f;
  for (const std::string& f : fields) {
    if (std::find(got.begin(), got.end(), f) == got.end()) return false;
  }
  return true;
}

}  // namespace pumpurs::testing

#endif  // PUMPURS_TESTS_TESTING_STATUS_MATCHERS_H_
