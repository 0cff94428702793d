#ifndef PUMPURS_SERVER_PLANS_PLANS_H_
#define PUMPURS_SERVER_PLANS_PLANS_H_

// A plan's contents: create, read, list, edit, measure suggestions and the
// change history. Transitions are in lifecycle.h, delivery records in
// deliveries.h. Every read is audited once per plan returned (with the
// pupil's id, so the family's ListPupilAccess shows each look); every
// change goes through SavePlan (store.h), so history and the change feed
// follow.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pumpurs/v1/support_plan.pb.h"
#include "server/common/call_context.h"
#include "server/common/page.h"
#include "server/plans/semester.h"
#include "server/storage/connection.h"

namespace pumpurs::plans {

using storage::Connection;
namespace v1 = ::pumpurs::v1;

// Creates a draft plan (pupil and semester required; preparer, problem
// description, risks, goals and measures optional; output-only fields are
// ignored). kPlanCreate at the pupil's institution. The preparer defaults
// to the caller's staff record there. FAILED_PRECONDITION
// APPLICATION_REQUIRED without an active application for the semester
// (APPLICATION_WITHDRAWN if the one there was is withdrawn); ALREADY_EXISTS
// PLAN_EXISTS_FOR_SEMESTER. A retried request_id returns the first result.
absl::StatusOr<v1::SupportPlan> CreateSupportPlan(Connection& conn,
                                                  const CallContext& call,
                                                  const v1::SupportPlan& plan,
                                                  absl::string_view request_id,
                                                  absl::Time now);

// One plan, as the caller may see it. Audited.
absl::StatusOr<v1::SupportPlan> GetSupportPlan(Connection& conn,
                                               const CallContext& call,
                                               absl::string_view id);

struct PlanFilter {
  std::string institution_id;
  std::string pupil_id;
  std::string preparer_id;  // staff id
  v1::PlanState state = v1::PLAN_STATE_UNSPECIFIED;
  Semester semester;  // {0, 0}: any
  std::string municipality_id;
  int page_size = 0;
  std::string page_token;
};
// The plans the caller may see (access.h: VisibleCondition), filtered,
// newest first; each as the caller may see it. One audit event per plan.
absl::StatusOr<ListPage<v1::SupportPlan>> ListSupportPlans(
    Connection& conn, const CallContext& call, const PlanFilter& filter);

// The fields an update may change.
inline const std::vector<std::string>& UpdatablePlanFields() {
  static const auto* fields = new std::vector<std::string>{
      "preparer", "problem_description", "risks", "goals", "measures"};
  return *fields;
}

// Replaces the fields named in `paths` (UpdatablePlanFields; at least one)
// with those of `changes`. kPlanManage; etag if set; the plan must be
// workable (RequireWorkable) and a draft or under revision
// (PLAN_NOT_EDITABLE). Saved with the fields that actually changed.
absl::StatusOr<v1::SupportPlan> UpdateSupportPlan(
    Connection& conn, const CallContext& call, absl::string_view id,
    const v1::SupportPlan& changes, const std::vector<std::string>& paths,
    absl::string_view etag, absl::Time now);

// Measures the knowledge base recommends for the plan's risks (those the
// caller sees), for the pupil's grade and the institution's kind, each as
// a prefilled PlanMeasure with its explanation. Staff view only. Stores
// nothing; audited as a read.
absl::StatusOr<v1::SuggestMeasuresResponse> SuggestMeasures(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view locale, int max_results);

// The plan's revisions, newest first. Audited.
absl::StatusOr<ListPage<v1::PlanRevision>> GetSupportPlanHistory(
    Connection& conn, const CallContext& call, absl::string_view id,
    int page_size, absl::string_view page_token);

}  // namespace pumpurs::plans

#endif  // PUMPURS_SERVER_PLANS_PLANS_H_
