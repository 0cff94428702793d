#ifndef PUMPURS_SERVER_COMMON_WORK_QUEUE_H_
#define PUMPURS_SERVER_COMMON_WORK_QUEUE_H_

#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace pumpurs {

// A closable multi-producer queue. After Close() no new item is accepted,
// but items already queued are still handed out: that is how the executor
// drains in-flight work at shutdown.
template <typename T>
class WorkQueue {
 public:
  // False if the queue is closed (the item is not queued).
  bool Push(T item) {
    absl::MutexLock lock(&mu_);
    if (closed_) return false;
    items_.push_back(std::move(item));
    return true;
  }

  // Blocks until an item is ready or the queue is closed and empty (nullopt),
  // or `timeout` passes (nullopt while still open).
  std::optional<T> Pop(absl::Duration timeout = absl::InfiniteDuration()) {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(this, &WorkQueue::Ready), timeout);
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

  // Like Pop but takes up to `max` ready items at once (at least one unless
  // closed-and-empty or timed out).
  std::vector<T> PopBatch(size_t max,
                          absl::Duration timeout = absl::InfiniteDuration()) {
    std::vector<T> out;
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(this, &WorkQueue::Ready), timeout);
    while (!items_.empty() && out.size() < max) {
      out.push_back(std::move(items_.front()));
      items_.pop_front();
    }
    return out;
  }

  void Close() {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }

  bool closed() const {
    absl::MutexLock lock(&mu_);
    return closed_;
  }

  size_t size() const {
    absl::MutexLock lock(&mu_);
    return items_.size();
  }

 private:
  bool Ready() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closed_ || !items_.empty();
  }

  mutable absl::Mutex mu_;
  std::deque<T> items_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace pumpurs

#endif  // PUMPURS_SERVER_COMMON_WORK_QUEUE_H_
