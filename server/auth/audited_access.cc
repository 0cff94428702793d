#include "server/auth/audited_access.h"

#include <utility>

#include "absl/time/clock.h"
#include "server/auth/audit.h"

namespace pumpurs::auth {

AuditEvent Event(absl::string_view action, std::string resource,
                 const Target& where) {
  AuditEvent e;
  e.action = std::string(action);
  e.resource = std::move(resource);
  e.institution_id = where.institution_id;
  e.municipality_id = where.municipality_id;
  e.pupil_id = where.pupil_id;
  e.outcome = AuditOutcome::kAllowed;
  return e;
}

namespace {

absl::Status AuditRefusal(const CallContext& call, absl::Status s,
                          const AuditEvent* audit) {
  if (!s.ok() && audit != nullptr) {
    AuditEvent e = *audit;
    e.outcome = AuditOutcome::kDenied;
    DeferAudit(call, std::move(e));
  }
  return s;
}

}  // namespace

absl::Status SignedIn(const CallContext& call, const AuditEvent* audit) {
  return AuditRefusal(call, RequireAuthenticated(call.principal), audit);
}

absl::Status Allow(const CallContext& call, Action action, const Target& target,
                   const AuditEvent* audit) {
  return AuditRefusal(call, Authorize(call.principal, action, target), audit);
}

absl::Status Missing(const CallContext& call, Action action,
                     absl::string_view resource, const AuditEvent* audit) {
  absl::Status s = MissingObject(call.principal, action, resource);
  // NOT_FOUND goes only to callers who could see the object anywhere: an
  // answer, not a refusal.
  if (s.code() == absl::StatusCode::kNotFound) return s;
  return AuditRefusal(call, std::move(s), audit);
}

void AuditRead(const CallContext& call, AuditEvent event) {
  event.outcome = AuditOutcome::kAllowed;
  DeferAudit(call, std::move(event));
}

absl::Status AuditChange(storage::Connection& conn, const CallContext& call,
                         AuditEvent event) {
  event.outcome = AuditOutcome::kAllowed;
  return RecordAudit(conn, call, event, absl::Now());
}

}  // namespace pumpurs::auth
