#ifndef PUMPURS_CLI_OUTPUT_H_
#define PUMPURS_CLI_OUTPUT_H_

// What every command prints the same way: failures, JSON, resource names.

#include <google/protobuf/message.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pumpurs::cli {

// Prints the code, message, ErrorInfo reason, every field violation and a
// retry delay to stderr, with a hint to sign in when the call was not
// authenticated; returns exit code 1.
int Fail(const absl::Status& status);

// Prints `message` as protobuf JSON to stdout; exit code 0 (1 if it cannot).
int PrintJson(const google::protobuf::Message& message);

// "ID" → "collection/ID"; full names (and "") pass unchanged.
std::string FullName(absl::string_view collection, absl::string_view name);

}  // namespace pumpurs::cli

#endif  // PUMPURS_CLI_OUTPUT_H_
