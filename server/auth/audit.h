#ifndef PUMPURS_SERVER_AUTH_AUDIT_H_
#define PUMPURS_SERVER_AUTH_AUDIT_H_

// The audit trail of access to pupils' data. Events hold who, what verb,
// which resource, where, when and the outcome — never contents. The table
// refuses UPDATE and DELETE (triggers), and no API changes it.

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/common/audit_event.h"
#include "server/common/call_context.h"
#include "server/storage/connection.h"

namespace pumpurs::auth {

// Stores `event` now, on `conn` — inside a write's own transaction, so the
// change and its audit commit or vanish together. Use for allowed writes.
absl::Status RecordAudit(storage::Connection& conn, const CallContext& call,
                         const AuditEvent& event, absl::Time now);

// Queues `event` on the call to be stored after the call's work, in a
// transaction of its own, before the answer goes out (rpc/unary_call.h).
// Use for reads and for refusals (whose transaction rolls back).
void DeferAudit(const CallContext& call, AuditEvent event);

// Stores the call's deferred events (called by the RPC layer on the writer).
absl::Status StoreDeferredAudit(storage::Connection& conn,
                                const CallContext& call, absl::Time now);

}  // namespace pumpurs::auth

#endif  // PUMPURS_SERVER_AUTH_AUDIT_H_
