#include "server/auth/audit.h"

#include "server/common/ids.h"
#include "server/common/status_macros.h"

namespace pumpurs::auth {

absl::Status RecordAudit(storage::Connection& conn, const CallContext& call,
                         const AuditEvent& event, absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(
          "INSERT INTO audit_events (id, time, actor, action, "
          "resource, institution_id, municipality_id, pupil_id, "
          "outcome, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  s.Bind(1, NewId())
      .Bind(2, absl::ToUnixMicros(now))
      .Bind(3, call.principal.ActorName())
      .Bind(4, event.action)
      .Bind(5, event.resource)
      .Bind(6, event.institution_id)
      .Bind(7, event.municipality_id)
      .Bind(8, event.pupil_id)
      .Bind(9, static_cast<int64_t>(event.outcome))
      .Bind(10, event.request_id);
  return s.Run();
}

void DeferAudit(const CallContext& call, AuditEvent event) {
  call.deferred_audit->push_back(std::move(event));
}

absl::Status StoreDeferredAudit(storage::Connection& conn,
                                const CallContext& call, absl::Time now) {
  for (const AuditEvent& event : *call.deferred_audit) {
    PUMPURS_RETURN_IF_ERROR(RecordAudit(conn, call, event, now));
  }
  return absl::OkStatus();
}

}  // namespace pumpurs::auth
