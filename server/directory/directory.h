#ifndef PUMPURS_SERVER_DIRECTORY_DIRECTORY_H_
#define PUMPURS_SERVER_DIRECTORY_DIRECTORY_H_

// Rules of the directory: municipalities and institutions. Each function
// runs on a storage executor connection (a read or write transaction the
// caller opened through storage::Database) and knows nothing of gRPC.
// Field names in violations are the API's field paths.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/common/call_context.h"
#include "server/directory/model.h"
#include "server/storage/connection.h"

namespace pumpurs::directory {

using storage::Connection;

absl::StatusOr<Municipality> GetMunicipality(Connection& conn,
                                             absl::string_view id);
absl::StatusOr<Page<Municipality>> ListMunicipalities(Connection& conn,
                                                      const ListRequest& req);
// `request_id` may be empty. Validates every field (INVALID_ARGUMENT naming
// each), then refuses a taken code (ALREADY_EXISTS).
absl::StatusOr<Municipality> CreateMunicipality(Connection& conn,
                                                const CallContext& call,
                                                const Municipality& m,
                                                absl::string_view request_id);
absl::StatusOr<Municipality> UpdateMunicipality(
    Connection& conn, absl::string_view id, const MunicipalityChanges& changes,
    absl::string_view etag);

absl::StatusOr<Institution> GetInstitution(Connection& conn,
                                           absl::string_view id);
absl::StatusOr<Page<Institution>> ListInstitutions(
    Connection& conn, const InstitutionFilter& filter, const ListRequest& req);
absl::StatusOr<Institution> CreateInstitution(Connection& conn,
                                              const CallContext& call,
                                              const Institution& inst,
                                              absl::string_view request_id);
absl::StatusOr<Institution> UpdateInstitution(Connection& conn,
                                              absl::string_view id,
                                              const InstitutionChanges& changes,
                                              absl::string_view etag);
// Only while the institution has no pupils and no staff.
absl::Status DeleteInstitution(Connection& conn, absl::string_view id,
                               absl::string_view etag);

}  // namespace pumpurs::directory

#endif  // PUMPURS_SERVER_DIRECTORY_DIRECTORY_H_
