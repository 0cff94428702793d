#ifndef PUMPURS_SERVER_PLANS_VALIDATION_H_
#define PUMPURS_SERVER_PLANS_VALIDATION_H_

// The content rules of a plan: problem description, risks, goals and
// measures, checked against the knowledge base (risk factors, measure
// types) and the pupil's institution (providers), and normalized to what
// is stored. Used by every call that writes a plan's content.

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "pumpurs/v1/support_plan.pb.h"
#include "server/common/error.h"
#include "server/plans/semester.h"
#include "server/storage/connection.h"

namespace pumpurs::plans {

inline constexpr int kMaxProblemChars = 4000;
inline constexpr int kMaxRisks = 20;
inline constexpr int kMaxGoals = 20;
inline constexpr int kMaxMeasures = 30;
inline constexpr int kMaxJustificationChars = 2000;
inline constexpr int kMaxGoalTextChars = 1000;
inline constexpr int kMaxCustomTitleChars = 200;
inline constexpr int kMaxCustomDescriptionChars = 2000;
inline constexpr int kMaxItemIdChars = 64;

// Checks problem_description, risks, goals and measures of `plan` (for a
// plan of `semester` at `institution_id`), adding a violation for every
// problem under its full path ("support_plan.risks[1].justification",
// "support_plan.measures[0].addresses", ...). Normalizes `plan` in place:
// output-only fields sent by the client are dropped; each risk gets its
// group and special_category from the knowledge base; empty goal and
// measure ids are assigned (unique within the plan); a typed measure gets
// its type's unit; delivered_quantity and delivery_count come from the
// measure with the same id in `stored` (nullptr for a new plan), never
// from the request. Other fields of `plan` are left alone. Errors only for
// storage failures.
absl::Status CheckPlanContent(storage::Connection& conn, Violations& v,
                              const Semester& semester,
                              absl::string_view institution_id,
                              const pumpurs::v1::SupportPlan* stored,
                              pumpurs::v1::SupportPlan& plan);

}  // namespace pumpurs::plans

#endif  // PUMPURS_SERVER_PLANS_VALIDATION_H_
