#ifndef PUMPURS_SERVER_PLANS_ACCESS_H_
#define PUMPURS_SERVER_PLANS_ACCESS_H_

// Who sees which plan, and how much of it. The decisions are the policy's
// (auth/policy.cc: kPlanRead, kPlanFamilyRead, kPlanApprovalRead,
// kSpecialCategoryRead, kPlanManage, ...); this file only says where a plan
// sits for them and applies two conditions the table cannot hold: families
// do not see drafts, and approval levels see a plan only once it has been
// submitted (the municipality never for a state vocational school, whose
// chain skips it). Every decision is audited with the pupil's id, so the
// family's ListPupilAccess shows who looked.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/audited_access.h"
#include "server/auth/policy.h"
#include "server/common/call_context.h"
#include "server/plans/store.h"

namespace pumpurs::plans {

enum class View {
  kNone,
  kStaff,     // preparer, providers, head and coordinator of the institution
  kFamily,    // guardian or adult pupil (not drafts)
  kApproval,  // municipality coordinator or national level (submitted plans)
};

// Where the plan sits for the policy.
auth::Target TargetOf(const StoredPlan& p);

// How the caller may see the plan.
View ViewOf(const Principal& principal, const StoredPlan& p);

// The plan as the caller may see it: special-category risks are redacted
// (factor and justification emptied, `redacted` set; measures drop them
// from `addresses`, and a measure addressing only such risks loses its
// justification) unless the caller may read special-category data of the
// plan (kSpecialCategoryRead) or provides a measure addressing that risk.
v1::SupportPlan Presented(const Principal& principal, const StoredPlan& p);

// An audit event about the plan (or `resource` within it).
AuditEvent PlanEvent(absl::string_view verb, const StoredPlan& p,
                     absl::string_view resource = "");

// A plan the caller may see, for reading. A refusal (and a missing plan,
// unless the caller would see it anywhere) is PERMISSION_DENIED, audited as
// `verb`; the allowed read is NOT yet audited (call AuditRead(PlanEvent)).
absl::StatusOr<StoredPlan> LoadVisible(Connection& conn,
                                       const CallContext& call,
                                       absl::string_view id,
                                       absl::string_view verb);

// A plan the caller may `action` (kPlanManage, kPlanApprove*, kPlanAcknowledge,
// kDeliveryRecord): refusals as LoadVisible; then ABORTED
// (ETAG_MISMATCH) if `etag` is set and stale.
absl::StatusOr<StoredPlan> LoadForChange(
    Connection& conn, const CallContext& call, absl::string_view id,
    auth::Action action, absl::string_view etag, absl::string_view verb);

// FAILED_PRECONDITION (APPLICATION_WITHDRAWN) once the application behind
// the plan is withdrawn; (PLAN_INACTIVE) for a deleted plan.
absl::Status RequireWorkable(const StoredPlan& p);

// Stores the audit event of an allowed change in the change's transaction.
absl::Status AuditPlanChange(Connection& conn, const CallContext& call,
                             const StoredPlan& p, absl::string_view verb,
                             absl::string_view resource = "");

// A SQL condition on `support_plans p` that holds exactly for the plans the
// caller may see (ViewOf != kNone), with its text bindings in order.
struct SqlCondition {
  std::string sql;
  std::vector<std::string> binds;
};
SqlCondition VisibleCondition(const Principal& principal);

}  // namespace pumpurs::plans

#endif  // PUMPURS_SERVER_PLANS_ACCESS_H_
