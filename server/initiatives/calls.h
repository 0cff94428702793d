#ifndef PUMPURS_SERVER_INITIATIVES_CALLS_H_
#define PUMPURS_SERVER_INITIATIVES_CALLS_H_

// Calls (competitions) for youth-initiative projects: create, read, list,
// change and open. The decision is in evaluation.h. A call names no pupils,
// so nothing here is audited; every change enters the change feed through
// store.h.

#include <set>
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

// Creates a draft call. `call.owner` is "municipalities/{id}" (an existing
// municipality) or "institutions/{id}" of a state vocational school;
// kInitiativeCallManage there, asked before anything about the owner is
// looked up. Call.municipality is the municipality, or the school's.
// Content rules: validation.h CheckCallContent (no evaluator needed yet).
// A retried request_id returns the first result.
absl::StatusOr<v1::Call> CreateCall(Connection& conn, const CallContext& call,
                                    const v1::Call& in,
                                    absl::string_view request_id,
                                    absl::Time now);

// One call: open and decided ones to any signed-in account, drafts to the
// owner (access.h LoadVisibleCall); evaluators only for the owner.
absl::StatusOr<v1::Call> GetCall(Connection& conn, const CallContext& call,
                                 absl::string_view id);

struct CallFilter {
  std::string owner;  // "municipalities/{id}" or "institutions/{id}", or ""
  v1::CallState state = v1::CALL_STATE_UNSPECIFIED;
  int page_size = 0;
  std::string page_token;
};
// The calls the caller may see (access.h VisibleCalls), filtered, newest
// first.
absl::StatusOr<ListPage<v1::Call>> ListCalls(Connection& conn,
                                             const CallContext& call,
                                             const CallFilter& filter);

// The fields UpdateCall may change.
const std::vector<std::string>& UpdatableCallFields();

// Replaces the fields named in `paths` (UpdatableCallFields; at least one)
// with those of `changes`. kInitiativeCallManage; etag if set. Only a draft
// changes (CALL_NOT_DRAFT), except that an open call's evaluators may
// (at least one must stay). The whole call is checked again.
absl::StatusOr<v1::Call> UpdateCall(Connection& conn, const CallContext& call,
                                    absl::string_view id,
                                    const v1::Call& changes,
                                    const std::vector<std::string>& paths,
                                    absl::string_view etag, absl::Time now);

// Draft → open (CALL_NOT_DRAFT otherwise); INVALID_ARGUMENT on
// "call.evaluators" without an evaluator. kInitiativeCallManage; etag.
absl::StatusOr<v1::Call> OpenCall(Connection& conn, const CallContext& call,
                                  absl::string_view id, absl::string_view etag,
                                  absl::Time now);

}  // namespace pumpurs::initiatives

#endif  // PUMPURS_SERVER_INITIATIVES_CALLS_H_
