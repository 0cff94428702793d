#include "cli/output.h"

#include <google/protobuf/util/json_util.h>

#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "pumpurs/client/client.h"

namespace pumpurs::cli {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "pumpurs: %s: %s\n",
               absl::StatusCodeToString(status.code()).c_str(),
               std::string(status.message()).c_str());
  const std::string reason = client::ErrorReason(status);
  if (!reason.empty()) std::fprintf(stderr, "  reason: %s\n", reason.c_str());
  for (const auto& v : client::FieldViolations(status)) {
    std::fprintf(stderr, "  field %s: %s\n", v.field.c_str(),
                 v.description.c_str());
  }
  if (absl::Duration wait = client::RetryDelay(status);
      wait > absl::ZeroDuration()) {
    std::fprintf(
        stderr, "  retry after: %s\n",
        absl::FormatDuration(absl::Ceil(wait, absl::Seconds(1))).c_str());
  }
  if (status.code() == absl::StatusCode::kUnauthenticated &&
      reason != "INVALID_CREDENTIALS") {
    std::fprintf(stderr, "  sign in with: pumpurs login USERNAME\n");
  }
  return 1;
}

int PrintJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options)
           .ok()) {
    std::fprintf(stderr, "pumpurs: cannot print the result as JSON\n");
    return 1;
  }
  std::fputs(out.c_str(), stdout);
  if (out.empty() || out.back() != '\n') std::fputc('\n', stdout);
  return 0;
}

std::string FullName(absl::string_view collection, absl::string_view name) {
  if (name.empty() || absl::StrContains(name, '/')) return std::string(name);
  return absl::StrCat(collection, "/", name);
}

}  // namespace pumpurs::cli
