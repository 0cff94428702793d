#include "server/common/error.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace pumpurs {
namespace {

constexpr char kReasonUrl[] = "type.pumpurs.lv/reason";
constexpr char kViolationsUrl[] = "type.pumpurs.lv/field_violations";
constexpr char kRetryDelayUrl[] = "type.pumpurs.lv/retry_delay_ms";

// Violations are stored as "field\tdescription" lines; neither part may
// hold a tab or newline, which the helpers below guarantee by replacing them.
std::string Clean(absl::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\t' || c == '\n') c = ' ';
  }
  return out;
}

}  // namespace

absl::Status Error(absl::StatusCode code, absl::string_view reason,
                   absl::string_view message) {
  return WithReason(absl::Status(code, message), reason);
}

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  if (status.ok()) return status;
  status.SetPayload(kReasonUrl, absl::Cord(reason));
  return status;
}

std::string ReasonOf(const absl::Status& status) {
  auto payload = status.GetPayload(kReasonUrl);
  return payload ? std::string(*payload) : std::string();
}

std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> out;
  auto payload = status.GetPayload(kViolationsUrl);
  if (!payload) return out;
  for (absl::string_view line :
       absl::StrSplit(std::string(*payload), '\n', absl::SkipEmpty())) {
    std::pair<std::string, std::string> parts =
        absl::StrSplit(line, absl::MaxSplits('\t', 1));
    out.push_back({parts.first, parts.second});
  }
  return out;
}

absl::Status WithFieldViolations(
    absl::Status status, const std::vector<FieldViolation>& violations) {
  if (status.ok()) return status;
  std::vector<FieldViolation> all = FieldViolationsOf(status);
  all.insert(all.end(), violations.begin(), violations.end());
  std::string encoded;
  for (const FieldViolation& v : all) {
    absl::StrAppend(&encoded, Clean(v.field), "\t", Clean(v.description), "\n");
  }
  status.SetPayload(kViolationsUrl, absl::Cord(encoded));
  return status;
}

absl::Status WithRetryDelay(absl::Status status, absl::Duration delay) {
  if (status.ok()) return status;
  status.SetPayload(kRetryDelayUrl,
                    absl::Cord(absl::StrCat(absl::ToInt64Milliseconds(delay))));
  return status;
}

absl::Duration RetryDelayOf(const absl::Status& status) {
  auto payload = status.GetPayload(kRetryDelayUrl);
  int64_t ms = 0;
  if (!payload || !absl::SimpleAtoi(std::string(*payload), &ms) || ms < 0) {
    return absl::ZeroDuration();
  }
  return absl::Milliseconds(ms);
}

void Violations::Add(std::string field, std::string description) {
  items_.push_back({std::move(field), std::move(description)});
}

absl::Status Violations::ToStatus() const {
  if (items_.empty()) return absl::OkStatus();
  std::string message = absl::StrCat(
      "invalid request: ",
      absl::StrJoin(items_, "; ",
                    [](std::string* out, const FieldViolation& v) {
                      absl::StrAppend(out, v.field, ": ", v.description);
                    }));
  return WithFieldViolations(
      Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT", message),
      items_);
}

absl::Status NotFoundError(absl::string_view resource_name) {
  return Error(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
               absl::StrCat(resource_name, " does not exist"));
}

absl::Status EtagMismatchError(absl::string_view resource_name) {
  return Error(absl::StatusCode::kAborted, "ETAG_MISMATCH",
               absl::StrCat(resource_name,
                            " has changed since it was read; read it again "
                            "and retry with the new etag"));
}

absl::Status InvalidFieldError(std::string field, std::string description) {
  Violations v;
  v.Add(std::move(field), std::move(description));
  return v.ToStatus();
}

}  // namespace pumpurs
