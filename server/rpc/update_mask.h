#ifndef PUMPURS_SERVER_RPC_UPDATE_MASK_H_
#define PUMPURS_SERVER_RPC_UPDATE_MASK_H_

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/message.h>

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace pumpurs::rpc {

// The fields an Update call changes. Every path must be one of `updatable`
// (INVALID_ARGUMENT on "update_mask" otherwise, naming the path). An empty
// mask means every updatable field that is set (non-default) in `resource`
// (AIP-134). "*" means all updatable fields.
absl::StatusOr<std::set<std::string>> ResolveUpdateMask(
    const google::protobuf::FieldMask& mask,
    const std::vector<std::string>& updatable,
    const google::protobuf::Message& resource);

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_UPDATE_MASK_H_
