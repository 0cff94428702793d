#ifndef PUMPURS_SERVER_INITIATIVES_EVALUATION_H_
#define PUMPURS_SERVER_INITIATIVES_EVALUATION_H_

// Evaluation and decision of a call: evaluators named by the call's owner
// score the submitted projects once the application period is over; the
// owner then approves the best-ranked ones, at most the number the call
// funds, and rejects the rest, each with its reason.
//
// Nobody scores a project they are part of (conflict of interest): its
// owner account, its supervisor's account, an adult member pupil, or a
// guardian of a member. An evaluator in conflict is not awaited: a project
// is evaluated once every other evaluator of the call has scored it.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "pumpurs/v1/youth_initiative.pb.h"
#include "server/common/call_context.h"
#include "server/common/principal.h"
#include "server/initiatives/store.h"

namespace pumpurs::initiatives {

// Why the account `account_id` with `roles` may not score `i` ("the
// project's owner", ...), or "" if it may.
std::string ConflictOf(absl::string_view account_id,
                       const std::vector<RoleBinding>& roles,
                       const StoredInitiative& i);

// The evaluator's scores of project `id`, one per criterion of the call,
// replacing their earlier ones. Refusals: PERMISSION_DENIED
// (NOT_AN_EVALUATOR for a caller who sees the project otherwise,
// CONFLICT_OF_INTEREST, audited), FAILED_PRECONDITION (EVALUATION_NOT_OPEN
// unless the call is open and its application period over;
// INITIATIVE_NOT_SUBMITTED unless submitted or evaluated), INVALID_ARGUMENT
// naming "scores" or "scores[i].criterion|points|comment". Returns the
// project as the evaluator sees it (their own evaluation).
absl::StatusOr<v1::Initiative> ScoreInitiative(
    Connection& conn, const CallContext& call, absl::string_view id,
    const google::protobuf::RepeatedPtrField<v1::CriterionScore>& scores,
    absl::Time now);

struct DecidedCall {
  v1::Call call;
  std::vector<v1::Initiative> initiatives;  // best first
};

// The owner's decision (see the proto): ranks the evaluated projects by
// their average total points (ties: earlier submitted, then id), approves
// the first max_projects and rejects the rest; the call becomes decided.
// Refusals: FAILED_PRECONDITION CALL_ALREADY_DECIDED, CALL_NOT_OPEN,
// EVALUATION_NOT_OPEN (period not over), SCORES_INCOMPLETE (a submitted
// project still lacks an evaluator's scores); ABORTED for a stale etag.
absl::StatusOr<DecidedCall> DecideCall(
    Connection& conn, const CallContext& call, absl::string_view call_id,
    absl::string_view etag, absl::string_view comment, absl::Time now);

}  // namespace pumpurs::initiatives

#endif  // PUMPURS_SERVER_INITIATIVES_EVALUATION_H_
