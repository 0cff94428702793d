#include "server/rpc/call_log.h"

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
        .Str("caller", CallerIdForLog(info_->server_context()));
  }

  grpc::experimental::ServerRpcInfo* info_;
  absl::Time start_;
  bool logged_ = false;
};

}  // namespace

std::string CallerIdForLog(const grpc::ServerContextBase* ctx) {
  return "anonymous";
}

grpc::experimental::Interceptor* CallLogFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new CallLogInterceptor(info);
}

}  // namespace pumpurs::rpc
