// Asynchronous calls: pumpurs_call_async hands the call to the client's
// AsyncRunner, whose worker threads make the blocking call and put the
// result into a pumpurs_queue. The app takes results out on its own thread
// (pumpurs_queue_next / pumpurs_queue_run), so app code never runs on a
// gRPC thread or one of ours.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bindings/c/src/internal.h"

namespace pumpurs::bindings {

AsyncRunner::~AsyncRunner() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  // Workers leave only once nothing is waiting, so every call started is
  // delivered before the client (and then its queues) may go.
  for (std::thread& worker : workers_) {
    try {
      worker.join();
    } catch (const std::system_error&) {
      // Only for a thread that cannot be joined; a destructor must not
      // throw (it would end the app).
    }
  }
}

absl::Status AsyncRunner::Start(Call call) {
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_) {
    return absl::FailedPreconditionError("the client is being freed");
  }
  if (waiting_.size() >= kMaxWaiting) {
    return absl::ResourceExhaustedError(
        "too many asynchronous calls waiting; drain the queue first");
  }
  waiting_.push_back(std::move(call));
  if (idle_ < waiting_.size() && workers_.size() < kMaxWorkers) {
    try {
      workers_.emplace_back([this] { Work(); });
    } catch (const std::system_error&) {
      // No new thread: the existing workers get to the call later; with no
      // worker at all, it could never run.
      if (workers_.empty()) {
        waiting_.pop_back();
        return absl::ResourceExhaustedError(
            "could not start a thread for the call");
      }
    }
  }
  lock.unlock();
  wake_.notify_one();
  return absl::OkStatus();
}

void AsyncRunner::Work() {
  for (;;) {
    Call call;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++idle_;
      wake_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
      --idle_;
      if (waiting_.empty()) return;  // stopping, and nothing left to do
      call = std::move(waiting_.front());
      waiting_.pop_front();
    }
    try {
      auto result = std::make_unique<pumpurs_result>();
      result->tag = call.tag;
      try {
        absl::StatusOr<std::string> got = client_->CallRaw(
            call.method, call.request, CallOptionsFor(call.deadline_ms));
        if (got.ok()) {
          result->response = *std::move(got);
        } else {
          result->error.reset(NewError(got.status()));
        }
      } catch (...) {
        result->error.reset(ErrorFromException());
      }
      Deliver(call.queue, std::move(result));
    } catch (...) {
      // Out of memory for the result itself: nothing can be delivered, and
      // an exception must not end the thread (std::terminate).
    }
  }
}

void Deliver(pumpurs_queue* queue, std::unique_ptr<pumpurs_result> result) {
  {
    std::lock_guard<std::mutex> lock(queue->mu);
    queue->results.push_back(std::move(result));
  }
  queue->ready.notify_one();
}

}  // namespace pumpurs::bindings

namespace {

// Waits until `deadline` (or forever if `forever`) for a result; null on
// timeout.
std::unique_ptr<pumpurs_result> Take(
    pumpurs_queue* queue, bool forever,
    std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(queue->mu);
  auto has_result = [queue] { return !queue->results.empty(); };
  if (forever) {
    queue->ready.wait(lock, has_result);
  } else if (!queue->ready.wait_until(lock, deadline, has_result)) {
    return nullptr;
  }
  std::unique_ptr<pumpurs_result> result = std::move(queue->results.front());
  queue->results.pop_front();
  return result;
}

std::chrono::steady_clock::time_point DeadlineAfter(int64_t timeout_ms) {
  return std::chrono::steady_clock::now() +
         std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
}

}  // namespace

extern "C" {

pumpurs_queue* pumpurs_queue_new(void) {
  try {
    return new pumpurs_queue;
  } catch (...) {
    return nullptr;
  }
}

void pumpurs_queue_free(pumpurs_queue* queue) { delete queue; }

void pumpurs_queue_next(pumpurs_queue* queue, int64_t timeout_ms,
                        pumpurs_result** result) {
  if (result == nullptr) return;
  *result = nullptr;
  if (queue == nullptr) return;
  try {
    *result = Take(queue, timeout_ms < 0, DeadlineAfter(timeout_ms)).release();
  } catch (...) {
    // Only a broken mutex throws here; report "nothing arrived".
  }
}

size_t pumpurs_queue_run(pumpurs_queue* queue, int64_t timeout_ms,
                         pumpurs_callback callback, void* user_data) {
  if (queue == nullptr || callback == nullptr) return 0;
  size_t ran = 0;
  try {
    // timeout < 0: wait as long as it takes for the first result, then run
    // the ones that are ready (waiting "forever" for more would never
    // return). Otherwise: every result until the deadline.
    bool forever = timeout_ms < 0;
    auto deadline = DeadlineAfter(timeout_ms);
    for (;;) {
      std::unique_ptr<pumpurs_result> result = Take(queue, forever, deadline);
      if (result == nullptr) break;
      callback(user_data, result.get());
      ++ran;
      if (forever) {
        forever = false;
        deadline = std::chrono::steady_clock::now();
      }
    }
  } catch (...) {
    // As in pumpurs_queue_next.
  }
  return ran;
}

uint64_t pumpurs_result_tag(const pumpurs_result* result) {
  return result == nullptr ? 0 : result->tag;
}

const pumpurs_error* pumpurs_result_error(const pumpurs_result* result) {
  return result == nullptr ? nullptr : result->error.get();
}

const uint8_t* pumpurs_result_response(const pumpurs_result* result,
                                       size_t* response_size) {
  static const uint8_t kEmpty[1] = {0};
  if (result == nullptr || result->error != nullptr) {
    if (response_size != nullptr) *response_size = 0;
    return kEmpty;
  }
  if (response_size != nullptr) *response_size = result->response.size();
  return reinterpret_cast<const uint8_t*>(result->response.data());
}

void pumpurs_result_free(pumpurs_result* result) { delete result; }

}  // extern "C"
