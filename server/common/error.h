#ifndef PUMPURS_SERVER_COMMON_ERROR_H_
#define PUMPURS_SERVER_COMMON_ERROR_H_

// The error model below the RPC edge: an absl::Status carries a
// machine-readable reason (google.rpc.ErrorInfo) and field violations
// (google.rpc.BadRequest) as payloads, so the domain needs no protobuf and
// exactly one place (rpc/grpc_status) converts them for the wire.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace pumpurs {

// The ErrorInfo domain of every Pumpurs error.
inline constexpr absl::string_view kErrorDomain = "pumpurs.lv";

struct FieldViolation {
  std::string field;        // e.g. "institution.display_name"
  std::string description;  // English, never echoes the bad value
  bool operator==(const FieldViolation& o) const {
    return field == o.field && description == o.description;
  }
};

// An error with a reason, e.g. Error(kFailedPrecondition, "PLAN_NOT_IN_DRAFT",
// "the plan is not a draft").
absl::Status Error(absl::StatusCode code, absl::string_view reason,
                   absl::string_view message);

// Attaches (or replaces) the reason of a non-OK status.
absl::Status WithReason(absl::Status status, absl::string_view reason);

// The reason of a status, or "" if it has none.
std::string ReasonOf(const absl::Status& status);

// The field violations a status carries (empty if none).
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

// Adds field violations to a non-OK status.
absl::Status WithFieldViolations(absl::Status status,
                                 const std::vector<FieldViolation>& violations);

// Collects every problem of a request so the caller hears of all of them at
// once, then turns them into one INVALID_ARGUMENT.
class Violations {
 public:
  void Add(std::string field, std::string description);
  bool empty() const { return items_.empty(); }
  const std::vector<FieldViolation>& items() const { return items_; }
  // OK if nothing was added; otherwise INVALID_ARGUMENT, reason
  // INVALID_ARGUMENT, naming every field in the message too.
  absl::Status ToStatus() const;

 private:
  std::vector<FieldViolation> items_;
};

// How long the caller should wait before trying again (google.rpc.RetryInfo
// on the wire), e.g. for a throttled sign-in. Attaches to a non-OK status.
absl::Status WithRetryDelay(absl::Status status, absl::Duration delay);
// The delay a status carries, or absl::ZeroDuration() if none.
absl::Duration RetryDelayOf(const absl::Status& status);

// Common shapes.
absl::Status NotFoundError(absl::string_view resource_name);
absl::Status EtagMismatchError(absl::string_view resource_name);
absl::Status InvalidFieldError(std::string field, std::string description);

}  // namespace pumpurs

#endif  // PUMPURS_SERVER_COMMON_ERROR_H_
