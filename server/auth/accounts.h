#ifndef PUMPURS_SERVER_AUTH_ACCOUNTS_H_
#define PUMPURS_SERVER_AUTH_ACCOUNTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/common/principal.h"
#include "server/storage/connection.h"

namespace pumpurs::auth {

// Usernames: 3 to 64 characters of a-z, 0-9, '.', '_', '-'.
inline constexpr size_t kMinUsernameChars = 3;
inline constexpr size_t kMaxUsernameChars = 64;
// Passwords of new accounts and resets; sign-in accepts 1 to the maximum.
inline constexpr int64_t kMinPasswordChars = 10;
inline constexpr int64_t kMaxPasswordChars = 256;

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

// The collection a role's scope names: "institutions" for the institution
// roles, "municipalities", "guardians", "pupils"; "" for the national roles.
absl::string_view ScopeCollection(Role role);

// The scope of a binding as a resource name ("institutions/{id}", ...), or
// "" for a national role.
std::string ScopeName(const RoleBinding& binding);

// The account with its role bindings and API scopes; NOT_FOUND
// ("accounts/{id}") if there is none.
absl::StatusOr<AccountRecord> GetAccountRecord(storage::Connection& conn,
                                               absl::string_view id);

// Stores a new account with its role bindings and API scopes (inside the
// caller's write transaction). Assigns id, version and create_time; does not
// validate (CreateAccount does): for the account domain and demo seeding.
absl::StatusOr<AccountRecord> InsertAccount(storage::Connection& conn,
                                            AccountRecord account,
                                            absl::Time now);

}  // namespace pumpurs::auth

#endif  // PUMPURS_SERVER_AUTH_ACCOUNTS_H_
