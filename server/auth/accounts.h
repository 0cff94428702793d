#ifndef PUMPURS_SERVER_AUTH_ACCOUNTS_H_
#define PUMPURS_SERVER_AUTH_ACCOUNTS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/common/principal.h"
#include "server/storage/connection.h"

namespace pumpurs::auth {

struct AccountRecord {
  std::string id;
  std::string username;
  bool is_service = false;
  std::string password_hash;  // argon2id PHC string; empty for services
  std::vector<RoleBinding> roles;
  std::vector<std::string> api_scopes;
  int64_t version = 0;
  absl::Time locked_until = absl::UnixEpoch();
  absl::Time create_time;
};

// Stores a new account with its role bindings and API scopes (inside the
// caller's write transaction). Assigns id, version and create_time; does not
// validate (CreateAccount does): for the account domain and demo seeding.
absl::StatusOr<AccountRecord> InsertAccount(storage::Connection& conn,
                                            AccountRecord account,
                                            absl::Time now);

}  // namespace pumpurs::auth

#endif  // PUMPURS_SERVER_AUTH_ACCOUNTS_H_
