#ifndef PUMPURS_SERVER_PLANS_LIFECYCLE_H_
#define PUMPURS_SERVER_PLANS_LIFECYCLE_H_

// The actions that move a plan through its states (the programme's
// statuses): submit, approve and reject at the level now due, start,
// suspend, resume, revise, delete, and the family's acknowledgement. The
// semester-end evaluation is in evaluation.h.
//
// Each action authorizes first (plans/access.h: refusals audited, a stale
// etag is ABORTED), then refuses work on a deleted plan or one whose
// application was withdrawn, then applies its state rule (a refusal is
// FAILED_PRECONDITION with the reason the proto names), and stores the
// change through SavePlan (revision + change feed) with its audit event in
// the same transaction. Each returns the plan as the caller may see it.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pumpurs/v1/support_plan.pb.h"
#include "server/common/call_context.h"
#include "server/plans/store.h"
#include "server/storage/connection.h"

namespace pumpurs::plans {

// Draft or under revision → in approval at the first level; needs a risk, a
// goal and a measure, and every measure addressing a risk of the plan.
absl::StatusOr<v1::SupportPlan> SubmitPlan(Connection& conn,
                                           const CallContext& call,
                                           absl::string_view id,
                                           absl::string_view etag,
                                           absl::Time now);

// The decision of the level now due. Approval at the last level makes the
// plan approved; a rejection (comment required) sends it back to draft.
// A caller who approves at another level of the plan's chain hears
// NOT_YOUR_APPROVAL_LEVEL.
absl::StatusOr<v1::SupportPlan> ApprovePlan(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view etag, absl::string_view comment, absl::Time now);
absl::StatusOr<v1::SupportPlan> RejectPlan(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view etag, absl::string_view comment, absl::Time now);

// Approved → in implementation.
absl::StatusOr<v1::SupportPlan> StartPlan(Connection& conn,
                                          const CallContext& call,
                                          absl::string_view id,
                                          absl::string_view etag,
                                          absl::Time now);

// In approval, approved or in implementation → suspended, with a reason.
absl::StatusOr<v1::SupportPlan> SuspendPlan(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view etag, absl::string_view reason, absl::Time now);

// Suspended → under revision, until the semester's last day.
absl::StatusOr<v1::SupportPlan> ResumePlan(Connection& conn,
                                           const CallContext& call,
                                           absl::string_view id,
                                           absl::string_view etag,
                                           absl::Time now);

// Approved or in implementation → under revision. `reason` (optional, up
// to 1000 characters) is checked but not kept: revisions hold no contents.
absl::StatusOr<v1::SupportPlan> RevisePlan(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view etag, absl::string_view reason, absl::Time now);

// A plan on which no funds were used → inactive, its contents removed.
// Allowed after the application was withdrawn.
absl::StatusOr<v1::SupportPlan> DeletePlan(Connection& conn,
                                           const CallContext& call,
                                           absl::string_view id,
                                           absl::string_view etag,
                                           absl::Time now);

// The guardian's or adult pupil's acknowledgement (any state but draft and
// inactive; also after the application was withdrawn).
absl::StatusOr<v1::SupportPlan> AcknowledgePlan(Connection& conn,
                                                const CallContext& call,
                                                absl::string_view id,
                                                absl::string_view comment,
                                                absl::Time now);

// Shared by the actions: stores the change of `p` as revision `action`
// with `changed_fields`, audits it as "supportPlan.{action}" and returns
// the plan as the caller may see it.
absl::StatusOr<v1::SupportPlan> SaveAction(
    Connection& conn, const CallContext& call, StoredPlan& p,
    absl::string_view action, const std::vector<std::string>& changed_fields,
    absl::Time now);

// FAILED_PRECONDITION with `reason`: a transition the plan's state refuses.
absl::Status Refused(absl::string_view reason, absl::string_view message);

}  // namespace pumpurs::plans

#endif  // PUMPURS_SERVER_PLANS_LIFECYCLE_H_
