#ifndef PUMPURS_SERVER_INITIATIVES_PROJECTS_H_
#define PUMPURS_SERVER_INITIATIVES_PROJECTS_H_

// Project applications under a call: create, read, list, change, submit
// and withdraw. Scoring, the decision and the project's run are in
// evaluation.h and progress.h. A project names pupils, so every read and
// change is audited once per member pupil (access.h); every change enters
// the change feed through store.h.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pumpurs/v1/youth_initiative.pb.h"
#include "server/common/call_context.h"
#include "server/common/page.h"
#include "server/initiatives/store.h"

namespace pumpurs::initiatives {

// Creates a draft project under `in.call` (required), owned by the
// caller's user account (kInitiativeApply; a service account may not
// apply). The call must be one the caller sees and open (CALL_NOT_OPEN);
// drafts may be created outside the application period. The content's
// form is checked (validation.h CheckProjectForm); what is missing is only
// refused on submit. A retried request_id returns the first result.
absl::StatusOr<v1::Initiative> CreateInitiative(Connection& conn,
                                                const CallContext& call,
                                                const v1::Initiative& in,
                                                absl::string_view request_id,
                                                absl::Time now);

// One project as the caller may see it (access.h View). Audited.
absl::StatusOr<v1::Initiative> GetInitiative(Connection& conn,
                                             const CallContext& call,
                                             absl::string_view id);

struct InitiativeFilter {
  std::string call_id;
  v1::InitiativeState state = v1::INITIATIVE_STATE_UNSPECIFIED;
  // Projects of calls whose Call.municipality is this one: the
  // municipality's own and those of its state vocational schools.
  std::string municipality_id;
  int page_size = 0;
  std::string page_token;
};
// The projects the caller may see (access.h VisibleInitiatives), filtered,
// newest first, each as the caller may see it. Audited per project.
absl::StatusOr<ListPage<v1::Initiative>> ListInitiatives(
    Connection& conn, const CallContext& call, const InitiativeFilter& filter);

// The fields UpdateInitiative may change.
const std::vector<std::string>& UpdatableInitiativeFields();

// Replaces the fields named in `paths` (at least one) with those of
// `changes`. By the owner (kInitiativeEdit); etag if set; drafts only
// (INITIATIVE_NOT_DRAFT).
absl::StatusOr<v1::Initiative> UpdateInitiative(
    Connection& conn, const CallContext& call, absl::string_view id,
    const v1::Initiative& changes, const std::vector<std::string>& paths,
    absl::string_view etag, absl::Time now);

// Draft → submitted, by the owner: INITIATIVE_NOT_DRAFT; CALL_NOT_OPEN;
// OUTSIDE_APPLICATION_PERIOD unless the day in Latvia is within the call's
// period (both ends included); INVALID_ARGUMENT naming what is missing;
// BUDGET_NOT_LUMP_SUM unless the budget adds up to the call's lump sum.
absl::StatusOr<v1::Initiative> SubmitInitiative(Connection& conn,
                                                const CallContext& call,
                                                absl::string_view id,
                                                absl::string_view etag,
                                                absl::Time now);

// → withdrawn with `reason` (1 to 1000 characters), by the owner, from a
// draft, submitted or evaluated project (INITIATIVE_NOT_WITHDRAWABLE).
absl::StatusOr<v1::Initiative> WithdrawInitiative(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view reason, absl::string_view etag, absl::Time now);

}  // namespace pumpurs::initiatives

#endif  // PUMPURS_SERVER_INITIATIVES_PROJECTS_H_
