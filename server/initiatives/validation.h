#ifndef PUMPURS_SERVER_INITIATIVES_VALIDATION_H_
#define PUMPURS_SERVER_INITIATIVES_VALIDATION_H_

// The content rules of calls and projects (youth_initiative.proto). A call
// is always whole: every create and change checks all of it. A project is
// a draft its applicant fills in over time: creates and changes check the
// form of what is given (a list item, once there, must be complete), and
// submitting checks that nothing is missing. Violations name the full path
// ("call.criteria[1].max_points", "initiative.activities[0].end_date").

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "pumpurs/v1/youth_initiative.pb.h"
#include "server/common/error.h"
#include "server/storage/connection.h"

namespace pumpurs::initiatives {

inline constexpr size_t kMaxTitleChars = 200;
inline constexpr size_t kMaxRulesChars = 20000;
inline constexpr int64_t kMaxLumpSumCents = 10000000;
inline constexpr int kMaxProjects = 1000;
inline constexpr int kMaxCriteria = 20;
inline constexpr int kMaxCriterionPoints = 100;
inline constexpr size_t kMaxCriterionIdChars = 64;
inline constexpr int kMaxEvaluators = 20;
inline constexpr size_t kMaxNameChars = 100;
inline constexpr size_t kMaxAimsChars = 4000;
inline constexpr size_t kMaxActivityDescriptionChars = 2000;
inline constexpr int kMaxMembers = 100;
inline constexpr int kMaxActivities = 50;
inline constexpr int kMaxBudgetLines = 50;
inline constexpr int kMaxParticipants = 10000;
inline constexpr size_t kMaxWithdrawReasonChars = 1000;
inline constexpr size_t kRegistrationDigits = 11;

// Valid UTF-8 of at most `max_chars` where line breaks and tabs are allowed
// (rules, aims, descriptions); required: not empty and not only blanks.
void CheckLongText(Violations& v, absl::string_view field,
                   absl::string_view value, size_t max_chars, bool required);

// A "YYYY-MM-DD" day in `field`; a violation ("is required" when empty)
// and nullopt if it is not a real day.
std::optional<absl::CivilDay> CheckDay(Violations& v, absl::string_view field,
                                       absl::string_view value);

// The content of `call` (title, rules, application period, lump sum,
// max_projects, criteria, min_at_risk_percent, evaluators), under field
// prefix "call". Normalizes in place: lump_sum_cents 0 becomes the
// programme's EUR 4,600 (kDefaultLumpSumCents); criteria without an id get
// a new one, unique in the call. Evaluators must be distinct
// "accounts/{id}" of existing user accounts, at most 20 (at least
// `min_evaluators`). Errors only for storage failures.
absl::Status CheckCallContent(storage::Connection& conn, Violations& v,
                              v1::Call& call, int min_evaluators);

// The form of a project's content (prefix "initiative"): whatever is given
// must be well-formed and what it names must exist (member pupils, the
// supervisor's user account), while empty fields and lists are allowed in
// a draft. Errors only for storage failures.
absl::Status CheckProjectForm(storage::Connection& conn, Violations& v,
                              const v1::Initiative& initiative);

// What a submitted project must have beyond its form: the organisation
// (name, registration number, kind), the supervisor's names, title, aims,
// at least one activity and budget line, and planned participants.
void CheckProjectComplete(Violations& v, const v1::Initiative& initiative);

// The sum of the budget lines (each at most kMaxLumpSumCents once checked,
// so the sum cannot overflow).
int64_t BudgetTotal(const v1::Initiative& initiative);

// The fields an update changes: `paths` must name at least one field,
// each of `updatable` (INVALID_ARGUMENT on "update_mask" otherwise).
absl::StatusOr<std::set<std::string>> CheckUpdatePaths(
    const std::vector<std::string>& paths,
    const std::vector<std::string>& updatable);

// The content fields of a call or project a client may set; output-only
// fields are dropped.
v1::Call CallContentOf(const v1::Call& call);
v1::Initiative ProjectContentOf(const v1::Initiative& initiative);

}  // namespace pumpurs::initiatives

#endif  // PUMPURS_SERVER_INITIATIVES_VALIDATION_H_
