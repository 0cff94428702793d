#include "server/rpc/call_log.h"

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/common/log.h"

namespace pumpurs::rpc {
namespace {

using grpc::experimental::InterceptionHookPoints;

const char* CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  int i = static_cast<int>(code);
  return i >= 0 && i <= 16 ? kNames[i] : "UNKNOWN";
}

// Callers noted by handlers, until the call's log line is written. Keyed by
// the call's server context, which outlives both.
class CallerRegistry {
 public:
  void Note(const grpc::ServerContextBase* ctx, const std::string& caller) {
    absl::MutexLock lock(&mu_);
    callers_[ctx] = caller;
  }
  std::string Take(const grpc::ServerContextBase* ctx) {
    absl::MutexLock lock(&mu_);
    auto it = callers_.find(ctx);
    if (it == callers_.end()) return "anonymous";
    std::string caller = std::move(it->second);
    callers_.erase(it);
    return caller;
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<const grpc::ServerContextBase*, std::string> callers_
      ABSL_GUARDED_BY(mu_);
};

CallerRegistry& Registry() {
  static auto* registry = new CallerRegistry();
  return *registry;
}

class CallLogInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit CallLogInterceptor(grpc::experimental::ServerRpcInfo* info)
      : info_(info), start_(absl::Now()) {}

  ~CallLogInterceptor() override {
    // A call cancelled before the server sent a status never reaches
    // PRE_SEND_STATUS; it still gets its line.
    if (!logged_) Write(grpc::StatusCode::CANCELLED);
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      Write(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Write(grpc::StatusCode code) {
    logged_ = true;
    LogLine("rpc")
        .Str("method", info_->method())
        .Str("code", CodeName(code))
        .Int("latency_us", absl::ToInt64Microseconds(absl::Now() - start_))
        .Str("caller", Registry().Take(info_->server_context()));
  }

  grpc::experimental::ServerRpcInfo* info_;
  absl::Time start_;
  bool logged_ = false;
};

}  // namespace

void NoteCallerForLog(const grpc::ServerContextBase* ctx,
                      const std::string& caller_id) {
  Registry().Note(ctx, caller_id);
}

grpc::experimental::Interceptor* CallLogFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new CallLogInterceptor(info);
}

}  // namespace pumpurs::rpc
