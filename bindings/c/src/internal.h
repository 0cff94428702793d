#ifndef PUMPURS_BINDINGS_C_SRC_INTERNAL_H_
#define PUMPURS_BINDINGS_C_SRC_INTERNAL_H_

// What the C ABI's opaque handles are, and the helpers every entry point of
// the C ABI uses. Nothing here is exported: the shared library is built with
// -fvisibility=hidden and a version script that keeps only pumpurs_*.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "pumpurs.h"
#include "pumpurs/client/client.h"
#include "pumpurs/client/offline.h"

struct pumpurs_error {
  int code = 0;
  std::string message;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> violations;
};

struct pumpurs_options {
  pumpurs::client::ClientOptions options;
  // A setter that failed (a session that does not parse, out of memory):
  // the setters return void, so pumpurs_client_new reports it.
  absl::Status deferred = absl::OkStatus();
};

namespace pumpurs::bindings {
class AsyncRunner;
}  // namespace pumpurs::bindings

struct pumpurs_client {
  std::unique_ptr<pumpurs::client::Client> client;
  // Runs pumpurs_call_async; destroyed (after its calls finish) before
  // `client`.
  std::unique_ptr<pumpurs::bindings::AsyncRunner> async;
  ~pumpurs_client();
};

// Frees through pumpurs_error_free, which knows the out-of-memory error
// that must not be deleted.
struct PumpursErrorDeleter {
  void operator()(pumpurs_error* error) const { pumpurs_error_free(error); }
};

struct pumpurs_result {
  uint64_t tag = 0;
  std::unique_ptr<pumpurs_error, PumpursErrorDeleter> error;  // null: success
  std::string response;
};

struct pumpurs_queue {
  std::mutex mu;
  std::condition_variable ready;
  std::deque<std::unique_ptr<pumpurs_result>> results;
};

struct pumpurs_offline {
  std::unique_ptr<pumpurs::client::OfflineStore> store;
};

namespace pumpurs::bindings {

// A new error object for a non-OK status (code, message, reason and field
// violations copied). Never throws: on allocation failure it returns a
// preallocated INTERNAL error that pumpurs_error_free knows not to free.
pumpurs_error* NewError(const absl::Status& status) noexcept;

// The error of an exception that reached the boundary.
pumpurs_error* ErrorFromException() noexcept;

// INVALID_ARGUMENT naming the argument, for NULL handles and pointers.
pumpurs_error* NullArgument(absl::string_view name) noexcept;

// Copies `bytes` into malloc'ed memory (freed by pumpurs_bytes_free); at
// least one byte is allocated so a successful empty result is not NULL.
// Returns false if out of memory.
bool CopyOut(absl::string_view bytes, uint8_t** out, size_t* out_size);

// Serializes `message` into malloc'ed out-parameters (as CopyOut); null on
// success, else the error.
pumpurs_error* WriteMessage(const google::protobuf::MessageLite& message,
                            uint8_t** out, size_t* out_size);

// The CallOptions of a deadline_ms argument (<= 0: the client's default).
pumpurs::client::CallOptions CallOptionsFor(int64_t deadline_ms);

// Runs `fn` (returning pumpurs_error*) and turns any exception into an
// INTERNAL error: no C++ exception may cross the C ABI.
template <typename Fn>
pumpurs_error* Guard(Fn&& fn) noexcept {
  try {
    return fn();
  } catch (...) {
    return ErrorFromException();
  }
}

// Runs pumpurs_call_async calls on a few worker threads of their own (gRPC
// sync calls block, so a thread per call in flight, up to kMaxWorkers) and
// delivers each result to its queue. The destructor waits for the calls
// already started, so freeing the client makes its queues safe to free.
class AsyncRunner {
 public:
  static constexpr size_t kMaxWorkers = 8;
  // More calls waiting than this and pumpurs_call_async refuses with
  // RESOURCE_EXHAUSTED rather than grow without bound.
  static constexpr size_t kMaxWaiting = 4096;

  explicit AsyncRunner(const pumpurs::client::Client* client)
      : client_(client) {}
  ~AsyncRunner();

  struct Call {
    pumpurs_queue* queue;
    std::string method;
    std::string request;
    int64_t deadline_ms;
    uint64_t tag;
  };

  // Queues the call; RESOURCE_EXHAUSTED if too many are waiting.
  absl::Status Start(Call call);

 private:
  void Work();

  const pumpurs::client::Client* const client_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Call> waiting_;
  std::vector<std::thread> workers_;
  size_t idle_ = 0;
  bool stopping_ = false;
};

// Appends a result to the queue and wakes one waiter.
void Deliver(pumpurs_queue* queue, std::unique_ptr<pumpurs_result> result);

}  // namespace pumpurs::bindings

#endif  // PUMPURS_BINDINGS_C_SRC_INTERNAL_H_
