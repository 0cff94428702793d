#ifndef PUMPURS_SERVER_PLANS_EVALUATION_H_
#define PUMPURS_SERVER_PLANS_EVALUATION_H_

// The semester-end evaluation: an outcome for every goal and measure of a
// plan in implementation and the decision. The plan closes; CONTINUE also
// copies its problems, risks, goals and measures into a new draft for the
// next semester (new ids, dates moved into that semester), linked both
// ways (continues / continued_by).

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pumpurs/v1/support_plan.pb.h"
#include "server/common/call_context.h"
#include "server/plans/store.h"
#include "server/storage/connection.h"

namespace pumpurs::plans {

// Malformed entries (unknown ids, bad enum values, texts too long) are
// INVALID_ARGUMENT naming "evaluation.goals[i].id" and the like; a missing
// or repeated entry, an entry without an outcome or no decision is
// FAILED_PRECONDITION (EVALUATION_INCOMPLETE); an existing plan of the next
// semester refuses CONTINUE (NEXT_PLAN_EXISTS). The evaluator and time of
// `evaluation` are ignored.
absl::StatusOr<v1::SupportPlan> EvaluatePlan(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view etag, const v1::PlanEvaluation& evaluation,
    absl::Time now);

}  // namespace pumpurs::plans

#endif  // PUMPURS_SERVER_PLANS_EVALUATION_H_
