#ifndef PUMPURS_SERVER_COMMON_CALL_CONTEXT_H_
#define PUMPURS_SERVER_COMMON_CALL_CONTEXT_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/common/audit_event.h"
#include "server/common/principal.h"

namespace pumpurs {

// What the domain and storage layers know of the call they serve: who asks
// and until when the answer is wanted. Copies share the cancellation flag, so
// the RPC layer can cancel work already queued on the executor.
struct CallContext {
  // Who the caller is for request ids and logs: "accounts/{id}" once
  // authenticated, else "anonymous" (or "system:..." for internal work).
  std::string caller_id = "anonymous";
  // Set by authentication (auth::Authenticate) before any domain work.
  Principal principal;
  // The bearer credential as received; only auth/ reads it, nothing logs it.
  std::string bearer_token;
  // Audit events that must be stored even if the call's own transaction
  // rolls back (refusals) or has none (reads); the RPC layer stores them
  // durably before it answers (auth/audit.h).
  std::shared_ptr<std::vector<AuditEvent>> deferred_audit =
      std::make_shared<std::vector<AuditEvent>>();
  absl::Time deadline = absl::InfiniteFuture();
  std::shared_ptr<std::atomic<bool>> cancelled =
      std::make_shared<std::atomic<bool>>(false);

  void Cancel() const { cancelled->store(true, std::memory_order_relaxed); }
  bool IsCancelled() const {
    return cancelled->load(std::memory_order_relaxed);
  }
  bool Expired() const { return absl::Now() >= deadline; }
};

}  // namespace pumpurs

#endif  // PUMPURS_SERVER_COMMON_CALL_CONTEXT_H_
