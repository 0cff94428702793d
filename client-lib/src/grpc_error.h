#ifndef PUMPURS_CLIENT_SRC_GRPC_ERROR_H_
#define PUMPURS_CLIENT_SRC_GRPC_ERROR_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace pumpurs::client::internal {

// The client side of server/rpc/grpc_status: the code and message of
// `status`, plus the reason of the google.rpc.ErrorInfo and the field
// violations of every google.rpc.BadRequest found in its
// grpc-status-details-bin, attached with pumpurs::WithReason and
// pumpurs::WithFieldViolations. Details that are missing or do not parse
// are ignored (a transport error has none).
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace pumpurs::client::internal

#endif  // PUMPURS_CLIENT_SRC_GRPC_ERROR_H_
