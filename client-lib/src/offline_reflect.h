#ifndef PUMPURS_CLIENT_SRC_OFFLINE_REFLECT_H_
#define PUMPURS_CLIENT_SRC_OFFLINE_REFLECT_H_

// What the offline store needs to know about requests and responses it
// never sees as typed messages: found by reflection on the generated
// descriptors, so every unary method of the API can be queued without the
// store listing them.

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "pumpurs/v1/sync.pb.h"

namespace pumpurs::client::internal {

// The unary method "/pumpurs.v1.Service/Method"; INVALID_ARGUMENT if there
// is no such method or it streams.
absl::StatusOr<const google::protobuf::MethodDescriptor*> FindUnaryMethod(
    absl::string_view method);

// An empty message of a generated type.
std::unique_ptr<google::protobuf::Message> NewMessage(
    const google::protobuf::Descriptor* type);

// If `request` has a string field `request_id`: leaves a set one alone,
// else sets `preferred` or, if that is empty, a random id. Returns the
// request's request_id ("" if it has no such field).
std::string FillRequestId(google::protobuf::Message& request,
                          absl::string_view preferred);

// The resource a request acts on and the etag it is conditional on: a
// message field whose type has string fields `name` and `etag` (an
// Update*Request's resource), else the request's own `name` (and `etag`),
// else its `parent` (a create). Empty strings when none applies.
struct Target {
  std::string resource;
  std::string etag;
};
Target TargetOf(const google::protobuf::Message& request);

// Sets the etag of `request` that conditions it on `resource` (see
// TargetOf). Returns false if the request has none.
bool SetEtag(google::protobuf::Message& request, absl::string_view resource,
             absl::string_view etag);

// The string fields `name` and `etag` of a response ("" if absent).
Target NameAndEtag(const google::protobuf::Message& message);

// `resource` as an UPSERT Change (the oneof member of its type); false if
// Change has no member of that type.
bool WrapInChange(const google::protobuf::Message& resource,
                  v1::Change* change);

// The Get method that reads `resource` ("supportPlans/x" ...) and its
// serialized request; nullopt for kinds that have none.
struct GetCall {
  std::string method;
  std::string request;
};
std::optional<GetCall> GetCallFor(absl::string_view resource);

// Whether the update in `request` (its update_mask applied to its resource
// field) is already what `current` (the server's version of that resource)
// holds: then a stale-etag refusal means the update had reached the server
// before, e.g. when the connection broke before the answer came back.
// Fields the mask does not name (etag, update_time, ids the server
// assigned, output-only counters) are ignored. False for requests without
// an update_mask.
bool AlreadyApplied(const google::protobuf::Message& request,
                    const google::protobuf::Message& current);

// The resource a Change carries (its oneof member); nullptr for a tombstone.
const google::protobuf::Message* ResourceOf(const v1::Change& change);

// Whether the fields `request`'s update_mask names hold the same values in
// `base` (the version the change was made on) and `current` (the server's
// version now): then nobody else changed them, the etag moved for other
// reasons (a consultation recorded, another field edited), and the change
// can go on `current` without overwriting anyone's work. False for
// requests without an update_mask.
bool MaskedFieldsUnchanged(const google::protobuf::Message& request,
                           const google::protobuf::Message& base,
                           const google::protobuf::Message& current);

}  // namespace pumpurs::client::internal

#endif  // PUMPURS_CLIENT_SRC_OFFLINE_REFLECT_H_
