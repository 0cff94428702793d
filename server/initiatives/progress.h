#ifndef PUMPURS_SERVER_INITIATIVES_PROGRESS_H_
#define PUMPURS_SERVER_INITIATIVES_PROGRESS_H_

// An approved project's run: its owner starts it and submits the final
// report (results, not receipts: the lump sum is not accounted for line by
// line), and the call's owner accepts the report, which closes it.
//
// Each action authorizes first (access.h LoadForChange: refusals audited,
// a stale etag ABORTED), then applies its state rule (FAILED_PRECONDITION
// with the proto's reason), and stores the change with its audit event in
// the caller's transaction. Each returns the project as the caller sees it.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pumpurs/v1/youth_initiative.pb.h"
#include "server/common/call_context.h"
#include "server/initiatives/store.h"

namespace pumpurs::initiatives {

// Approved → in progress. By its owner. INITIATIVE_NOT_APPROVED otherwise.
absl::StatusOr<v1::Initiative> StartInitiative(Connection& conn,
                                               const CallContext& call,
                                               absl::string_view id,
                                               absl::string_view etag,
                                               absl::Time now);

// In progress → reported, with `report` (its submit time and acceptance
// are ignored). By its owner. A malformed report is INVALID_ARGUMENT
// naming every bad field ("report.participants", "report.ages[1].age",
// "report.activities_held[0].end_date", ...); a report the supervisor has
// not confirmed is REPORT_INCOMPLETE; INITIATIVE_NOT_IN_PROGRESS.
absl::StatusOr<v1::Initiative> SubmitReport(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view etag, const v1::Report& report, absl::Time now);

// Reported → closed. By the call's owner (kInitiativeCallManage).
// INITIATIVE_NOT_REPORTED otherwise.
absl::StatusOr<v1::Initiative> AcceptReport(Connection& conn,
                                            const CallContext& call,
                                            absl::string_view id,
                                            absl::string_view etag,
                                            absl::Time now);

}  // namespace pumpurs::initiatives

#endif  // PUMPURS_SERVER_INITIATIVES_PROGRESS_H_
