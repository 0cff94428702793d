#ifndef PUMPURS_SERVER_STORAGE_REQUEST_IDS_H_
#define PUMPURS_SERVER_STORAGE_REQUEST_IDS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/storage/connection.h"

namespace pumpurs::storage {

// request_id idempotency for creates: within the create's own write
// transaction, look the id up first; if absent, create and Remember it in
// the same transaction, so a retry can never create a second resource.
// Ids are scoped per caller and method, so one caller cannot learn of
// another's resources by guessing ids.
class RequestIds {
 public:
  // The resource name the first call with this id created, if any.
  static absl::StatusOr<std::optional<std::string>> Find(
      Connection& conn, absl::string_view caller, absl::string_view method,
      absl::string_view request_id);

  static absl::Status Remember(Connection& conn, absl::string_view caller,
                               absl::string_view method,
                               absl::string_view request_id,
                               absl::string_view resource_name, absl::Time now);
};

}  // namespace pumpurs::storage

#endif  // PUMPURS_SERVER_STORAGE_REQUEST_IDS_H_
