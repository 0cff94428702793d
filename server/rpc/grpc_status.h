#ifndef PUMPURS_SERVER_RPC_GRPC_STATUS_H_
#define PUMPURS_SERVER_RPC_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace pumpurs::rpc {

// The one conversion from the domain's absl::Status to the wire: the
// canonical code, the English message, and google.rpc.Status details with
// one ErrorInfo (reason, domain "pumpurs.lv") and, when the status carries
// field violations, a BadRequest; when it carries a retry delay
// (WithRetryDelay), a RetryInfo. An INTERNAL error's message is replaced by
// a generic one so nothing internal leaks.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_GRPC_STATUS_H_
