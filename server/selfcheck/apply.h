#ifndef PUMPURS_SERVER_SELFCHECK_APPLY_H_
#define PUMPURS_SERVER_SELFCHECK_APPLY_H_

// A signed-in guardian of the pupil (or the adult pupil) turns a self-check
// into an application for an individual support plan: exactly one
// plans::CreateApplication (channel ONLINE, the caller the applicant)
// carrying only pupil, semester, the shared areas and the note. The answers
// never reach the server in this call: the request has no field for them.
// UNAUTHENTICATED without an account (before anything else);
// INVALID_ARGUMENT: pupil ("pupils/{id}") and semester required,
// shared_areas known risk groups each once, note at most 2000 characters;
// then as CreateApplication (PERMISSION_DENIED, ALREADY_EXISTS
// APPLICATION_EXISTS; request_id makes a retry return the first result).

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pumpurs/v1/self_check.pb.h"
#include "pumpurs/v1/support_plan.pb.h"
#include "server/common/call_context.h"
#include "server/storage/connection.h"

namespace pumpurs::selfcheck {

absl::StatusOr<pumpurs::v1::Application> ApplyFromSelfCheck(
    storage::Connection& conn, const CallContext& call,
    const pumpurs::v1::ApplyFromSelfCheckRequest& request, absl::Time now);

}  // namespace pumpurs::selfcheck

#endif  // PUMPURS_SERVER_SELFCHECK_APPLY_H_
