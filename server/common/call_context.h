#ifndef PUMPURS_SERVER_COMMON_CALL_CONTEXT_H_
#define PUMPURS_SERVER_COMMON_CALL_CONTEXT_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace pumpurs {

// What the domain and storage layers know of the call they serve: who asks
// and until when the answer is wanted. Copies share the cancellation flag, so
// the RPC layer can cancel work already queued on the executor.
struct CallContext {
  std::string caller_id = "anonymous";
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
