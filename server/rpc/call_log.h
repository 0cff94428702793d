#ifndef PUMPURS_SERVER_RPC_CALL_LOG_H_
#define PUMPURS_SERVER_RPC_CALL_LOG_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>

namespace pumpurs::rpc {

// Records who made the call ("accounts/{id}", "anonymous"), for its log
// line; called by the handler once authentication has run, before it
// finishes the call.
void NoteCallerForLog(const grpc::ServerContextBase* ctx,
                      const std::string& caller_id);

// Interceptors that write one structured line per RPC: method, status code,
// latency and caller id; never request or response contents.
class CallLogFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_CALL_LOG_H_
