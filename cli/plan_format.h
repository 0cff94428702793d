#ifndef PUMPURS_CLI_PLAN_FORMAT_H_
#define PUMPURS_CLI_PLAN_FORMAT_H_

// What the support-plan commands (applications, plans, plans deliveries,
// plans hours, sync) share: their flags, reading semesters and JSON files,
// and printing applications and plans.

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "pumpurs/v1/support_plan.pb.h"

// Defined in cli/plan_format.cc.
ABSL_DECLARE_FLAG(std::string, semester);
ABSL_DECLARE_FLAG(std::string, state);
ABSL_DECLARE_FLAG(std::string, etag);
ABSL_DECLARE_FLAG(std::string, reason);
ABSL_DECLARE_FLAG(std::string, comment);
ABSL_DECLARE_FLAG(std::string, from_json);
ABSL_DECLARE_FLAG(std::string, preparer);
ABSL_DECLARE_FLAG(std::string, provider);
// Defined elsewhere: main.cc (json, page_size, request_id, municipality),
// commands.cc (institution), people_commands.cc (pupil).
ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(int, page_size);
ABSL_DECLARE_FLAG(std::string, request_id);
ABSL_DECLARE_FLAG(std::string, municipality);
ABSL_DECLARE_FLAG(std::string, pupil);

namespace pumpurs::cli {

// Prints "pumpurs: MESSAGE" and `usage` to stderr; exit code 2.
int PlanUsage(absl::string_view message, absl::string_view usage);

// Whether --`name` was given a value other than its default (so "--problem="
// does not count: JSON files can clear fields).
bool FlagGiven(absl::string_view name);

// "2026-1" (school year 2026/2027, term 1) → Semester; false if malformed.
bool ParseSemester(absl::string_view text, v1::Semester* out);
// "2026-1", or "" for an unset semester.
std::string SemesterText(const v1::Semester& semester);

// RFC 3339, or "" for an unset time.
std::string TimeText(const google::protobuf::Timestamp& t);

// Reads FILE (protobuf JSON) into `message`, rejecting unknown fields; the
// error names the file. If `present` is not null it gets the names (proto
// field names) of the top-level fields the file sets, also when set to an
// empty list.
absl::Status ReadJsonFile(absl::string_view path,
                          google::protobuf::Message* message,
                          std::vector<std::string>* present = nullptr);

// Prints one message as a single line of protobuf JSON (JSON Lines).
int PrintJsonLine(const google::protobuf::Message& message);

// "key: value" lines with the values aligned; empty values are left out.
void PrintFields(const std::vector<std::pair<std::string, std::string>>& kv);

// Every field of an application, for reading.
int PrintApplication(const v1::Application& a);
// The plan for reading: its fields, then one line per risk, goal and
// measure (justifications are left to --json).
int PrintPlan(const v1::SupportPlan& p);
// What an action changed: name, state, pending level, etag.
int PrintPlanState(const v1::SupportPlan& p);

}  // namespace pumpurs::cli

#endif  // PUMPURS_CLI_PLAN_FORMAT_H_
