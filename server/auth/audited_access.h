#ifndef PUMPURS_SERVER_AUTH_AUDITED_ACCESS_H_
#define PUMPURS_SERVER_AUTH_AUDITED_ACCESS_H_

// Access decisions that leave an audit trail: the policy's answer for an
// object that holds a pupil's data, with the refusal (or the allowed read
// or change) recorded as an audit event.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/auth/policy.h"
#include "server/common/audit_event.h"
#include "server/common/call_context.h"
#include "server/storage/connection.h"

namespace pumpurs::auth {

// An audit event (outcome set by the helpers below) about `resource` at
// `where`.
AuditEvent Event(absl::string_view action, std::string resource,
                 const Target& where);

// UNAUTHENTICATED for an anonymous caller; audited as `audit` (denied) if
// non-null.
absl::Status SignedIn(const CallContext& call, const AuditEvent* audit);
// Authorize; a refusal is audited as `audit` (denied) if non-null.
absl::Status Allow(const CallContext& call, Action action, const Target& target,
                   const AuditEvent* audit);
// MissingObject for `resource`; a refusal (anything but NOT_FOUND) is
// audited as `audit` (denied) if non-null.
absl::Status Missing(const CallContext& call, Action action,
                     absl::string_view resource, const AuditEvent* audit);
// An allowed read: queued, stored before the answer goes out.
void AuditRead(const CallContext& call, AuditEvent event);
// An allowed change: stored now, in the change's transaction.
absl::Status AuditChange(storage::Connection& conn, const CallContext& call,
                         AuditEvent event);

}  // namespace pumpurs::auth

#endif  // PUMPURS_SERVER_AUTH_AUDITED_ACCESS_H_
