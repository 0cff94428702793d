#ifndef PUMPURS_SERVER_AUTH_ACCOUNT_ADMIN_H_
#define PUMPURS_SERVER_AUTH_ACCOUNT_ADMIN_H_

// Managing accounts: create, read, list, reset a password. Each function
// authorizes the caller (auth::Authorize) and runs on a storage executor
// connection; field names in violations are the API's.
//
// Passwords are hashed (argon2id, slow) outside the writer: the RPC layer
// first runs Check* on a reader, then hashes, then the write with the hash.
// A write given an empty hash hashes the password itself (tools, tests).

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/auth/accounts.h"
#include "server/common/call_context.h"
#include "server/storage/connection.h"

namespace pumpurs::auth {

// Numbering of pumpurs.v1.AccountKind.
inline constexpr int kUserKind = 1;
inline constexpr int kServiceKind = 2;

// A role binding as requested: the role's number (pumpurs.v1.Role) and the
// scope's resource name ("institutions/{id}", ... or "" for national roles).
struct RequestedBinding {
  int role = 0;
  std::string scope;
};

struct NewAccount {
  std::string username;
  int kind = 0;  // kUserKind or kServiceKind
  std::vector<RequestedBinding> role_bindings;
  std::vector<std::string> api_scopes;
};

// Everything CreateAccount checks, without writing: authorization (a
// national administrator; an institution head for staff accounts of their
// institution), every field (INVALID_ARGUMENT naming each), a taken username
// (ALREADY_EXISTS). OK at once for a request_id seen before.
absl::Status CheckNewAccount(storage::Connection& conn, const CallContext& call,
                             const NewAccount& account,
                             absl::string_view password,
                             absl::string_view request_id);

// Checks again and stores the account. A request_id seen before from the
// same caller returns the account it created.
absl::StatusOr<AccountRecord> CreateAccount(storage::Connection& conn,
                                            const CallContext& call,
                                            const NewAccount& account,
                                            absl::string_view password,
                                            absl::string_view password_hash,
                                            absl::string_view request_id,
                                            absl::Time now);

// The caller's own account, or any for a national administrator.
absl::StatusOr<AccountRecord> GetAccount(storage::Connection& conn,
                                         const CallContext& call,
                                         absl::string_view id);

// The caller's own account (WhoAmI).
absl::StatusOr<AccountRecord> GetOwnAccount(storage::Connection& conn,
                                            const CallContext& call);

struct AccountPage {
  std::vector<AccountRecord> accounts;
  std::string next_page_token;
};

// Accounts in username order (national administrators).
absl::StatusOr<AccountPage> ListAccounts(storage::Connection& conn,
                                         const CallContext& call, int page_size,
                                         absl::string_view page_token);

// What ResetPassword checks, without writing.
absl::Status CheckResetPassword(storage::Connection& conn,
                                const CallContext& call, absl::string_view id,
                                absl::string_view new_password);

// Sets a new password (national administrators), clears failed sign-ins and
// the lock, and revokes every session of the account. A service account has
// no password (FAILED_PRECONDITION).
absl::StatusOr<AccountRecord> ResetPassword(storage::Connection& conn,
                                            const CallContext& call,
                                            absl::string_view id,
                                            absl::string_view new_password,
                                            absl::string_view password_hash,
                                            absl::Time now);

// The argon2id hash of `password` if it is a valid new password, else ""
// (validation reports the problem). Slow; touches no database.
absl::StatusOr<std::string> HashNewPassword(absl::string_view password);

}  // namespace pumpurs::auth

#endif  // PUMPURS_SERVER_AUTH_ACCOUNT_ADMIN_H_
