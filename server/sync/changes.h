#ifndef PUMPURS_SERVER_SYNC_CHANGES_H_
#define PUMPURS_SERVER_SYNC_CHANGES_H_

// The change feed that offline clients sync from (SyncService). The plan
// code appends a row to `changes` for every change of a plan, application or
// delivery record (plans/store.h: SavePlan, InsertPlan, RecordChange), the
// initiative code for every change of a call or project
// (initiatives/store.h: Insert*/Save*, through plans::RecordChange); a sync
// token is a position (seq) in it. A page holds, for each resource changed
// after the token, only its latest row, with the resource as it is NOW and
// as the caller may see it NOW — so a client gets each resource once however
// often it changed, and never a state it may no longer see.
//
// Visibility is decided per resource at read time:
// - plans: plans::ViewOf != kNone → UPSERT with plans::Presented (redacted);
//   a deleted (inactive) plan, or one the caller can no longer see, → DELETE
//   (no contents) to the callers who may hold it: those who would see it in
//   draft, or — if it ever left draft — in approval (a guardian, after a
//   rejection back to draft). Others get nothing, so a guardian never learns
//   of a draft that was never submitted.
// - deliveries: as their plan (UPSERT while it is visible and active).
// - applications: kApplicationRead on the pupil's institution,
//   municipality, pupil and guardians.
// - youth-initiative calls ("initiativeCalls/{id}"): initiatives::SeesCall
//   → UPSERT with initiatives::PresentedCall (open and decided calls to any
//   signed-in account, drafts to the owner; evaluators only to the owner).
// - youth-initiative projects ("initiatives/{id}"): initiatives::ViewOf !=
//   kNone → UPSERT with initiatives::Presented (at-risk counts and others'
//   evaluations hidden but from the call's owner). Calls and projects are
//   never removed, so neither has tombstones: a caller who can no longer
//   see one (e.g. the guardian of a pupil taken off the members) gets
//   nothing more about it.
// Each resource sent with contents is audited as a read
// ("supportPlan.sync", "application.sync", "delivery.sync", and
// "initiative.sync" once per member pupil of a project); tombstones and
// calls carry nothing of a pupil and are not.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pumpurs/v1/sync.pb.h"
#include "server/common/call_context.h"
#include "server/storage/connection.h"

namespace pumpurs::sync {

namespace v1 = ::pumpurs::v1;
using storage::Connection;

inline constexpr int kDefaultChangesPageSize = 100;
inline constexpr int kMaxChangesPageSize = 1000;
// At most this many feed rows are scanned per page, besides 10 × page_size:
// a caller who sees little of a long feed still advances quickly, and no
// call scans the whole table.
inline constexpr int kMinChangesScan = 1000;

// Opaque to clients: web-safe base64 of "v1:<seq>".
std::string EncodeSyncToken(int64_t seq);
// The seq in `token` ("" is 0: from the beginning). INVALID_ARGUMENT (field
// "sync_token", reason INVALID_SYNC_TOKEN) if malformed.
absl::StatusOr<int64_t> DecodeSyncToken(absl::string_view token);

struct ChangesRequest {
  int64_t after = 0;  // the last seq the client has
  int page_size = kDefaultChangesPageSize;
};

// Validates a request's token and page size (0 → 100, above 1000 → 1000,
// negative → INVALID_ARGUMENT "page_size"), naming every bad field.
absl::StatusOr<ChangesRequest> ParseChangesRequest(absl::string_view sync_token,
                                                   int page_size);

struct ChangesPage {
  // Oldest first, each resource once.
  std::vector<v1::Change> changes;
  // The last seq scanned (the request's `after` if none): where the next
  // page starts. Rows the caller may not see advance it too.
  int64_t last_seq = 0;
  // Whether rows remain after last_seq.
  bool has_more = false;

  std::string next_sync_token() const { return EncodeSyncToken(last_seq); }
};

// One page of changes after `request.after` for `call.principal`.
// UNAUTHENTICATED for an anonymous caller; INVALID_ARGUMENT ("sync_token",
// INVALID_SYNC_TOKEN) for a token ahead of this feed (one issued by another
// database: the client must sync again from the beginning). Reads of
// contents are audited through auth::AuditRead (deferred on `call`).
absl::StatusOr<ChangesPage> ListChanges(Connection& conn,
                                        const CallContext& call,
                                        const ChangesRequest& request);

// The seq of the newest row of the feed (0 if empty).
absl::StatusOr<int64_t> LatestSequence(Connection& conn);

}  // namespace pumpurs::sync

#endif  // PUMPURS_SERVER_SYNC_CHANGES_H_
