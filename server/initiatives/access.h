#ifndef PUMPURS_SERVER_INITIATIVES_ACCESS_H_
#define PUMPURS_SERVER_INITIATIVES_ACCESS_H_

// Who sees which call and project, and how much of it. The decisions are
// the policy's (auth/policy.cc: kInitiativeCallManage, kInitiativeCallRead,
// kInitiativeRead, kInitiativeEdit, kInitiativeScore); this file says where
// a call or project sits for them and applies what the table cannot hold:
// drafts of calls are the owner's, evaluators see projects only once
// submitted, and the counts of pupils at risk and other evaluators' scores
// are the call owner's alone. A project that names pupils is their data:
// every read and change is audited once per member pupil, so the family's
// ListPupilAccess shows it.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/policy.h"
#include "server/common/call_context.h"
#include "server/initiatives/store.h"

namespace pumpurs::initiatives {

enum class View {
  kNone,
  kCoordinator,  // the call's owner or the national administrator
  kOwner,        // the account that applied
  kEvaluator,    // an evaluator of the call (submitted projects)
  kFamily,       // a member pupil (adult) or a member's guardian
};

auth::Target CallTarget(const StoredCall& c);
auth::Target InitiativeTarget(const StoredInitiative& i, const StoredCall& c);

// Whether the caller owns the call (kInitiativeCallManage).
bool ManagesCall(const Principal& principal, const StoredCall& c);
// Open and decided calls: any signed-in account; drafts: the owner.
bool SeesCall(const Principal& principal, const StoredCall& c);
// The call as the caller may see it (evaluators only for the owner).
v1::Call PresentedCall(const Principal& principal, const StoredCall& c);

View ViewOf(const Principal& principal, const StoredInitiative& i,
            const StoredCall& c);
// The project as `view` may see it: the at-risk counts (planned and
// reported) are 0 for anyone but the coordinator; evaluators see only their
// own evaluation, owners and families none.
v1::Initiative Presented(const Principal& principal, View view,
                         const StoredInitiative& i);

// A call the caller may see. A missing call, or one they may not see, is
// NOT_FOUND for callers who could see any call's draft (national roles),
// else PERMISSION_DENIED.
absl::StatusOr<StoredCall> LoadVisibleCall(Connection& conn,
                                           const CallContext& call,
                                           absl::string_view id);
// A call the caller owns (kInitiativeCallManage), at `etag` if set
// (ABORTED otherwise).
absl::StatusOr<StoredCall> LoadManagedCall(Connection& conn,
                                           const CallContext& call,
                                           absl::string_view id,
                                           absl::string_view etag);

struct Loaded {
  StoredInitiative initiative;
  StoredCall call;
  View view = View::kNone;
};
// A project the caller may see, with its call and the caller's view. A
// refusal is PERMISSION_DENIED, audited as `verb` (one event per member).
absl::StatusOr<Loaded> LoadVisible(Connection& conn, const CallContext& call,
                                   absl::string_view id,
                                   absl::string_view verb);
// A project the caller may `action` (kInitiativeEdit, kInitiativeScore,
// kInitiativeCallManage), at `etag` if set (ABORTED otherwise). Refusals
// audited as `verb`.
absl::StatusOr<Loaded> LoadForChange(Connection& conn, const CallContext& call,
                                     absl::string_view id, auth::Action action,
                                     absl::string_view etag,
                                     absl::string_view verb);

// Audit of an allowed read (deferred) or change (now, in the transaction):
// one event per member pupil; nothing for a project that names none.
void AuditRead(const CallContext& call, const StoredInitiative& i,
               absl::string_view verb);
absl::Status AuditChange(Connection& conn, const CallContext& call,
                         const StoredInitiative& i, absl::string_view verb);

// SQL conditions on `initiative_calls c` / `initiatives i` that hold
// exactly for what the caller may see, with their text bindings in order.
struct SqlCondition {
  std::string sql;
  std::vector<std::string> binds;
};
SqlCondition VisibleCalls(const Principal& principal);
SqlCondition VisibleInitiatives(const Principal& principal);

}  // namespace pumpurs::initiatives

#endif  // PUMPURS_SERVER_INITIATIVES_ACCESS_H_
