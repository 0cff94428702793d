#ifndef PUMPURS_SERVER_AUTH_API_KEYS_H_
#define PUMPURS_SERVER_AUTH_API_KEYS_H_

// API keys of service accounts: random secrets shown once, stored as their
// SHA-256 hash (SecretHash), sent as "authorization: Bearer <key>".
// National administrators issue and revoke them.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/common/call_context.h"
#include "server/storage/connection.h"

namespace pumpurs::auth {

struct IssuedApiKey {
  std::string id;
  std::string account_id;
  std::string key;  // secret: returned once, never stored
  absl::Time create_time;
};

// A new key for a service account. FAILED_PRECONDITION (reason
// NOT_A_SERVICE_ACCOUNT) for a user account.
absl::StatusOr<IssuedApiKey> CreateApiKey(storage::Connection& conn,
                                          const CallContext& call,
                                          absl::string_view account_id,
                                          absl::Time now);

// Revokes a key of the account; revoking it again is a no-op.
absl::Status RevokeApiKey(storage::Connection& conn, const CallContext& call,
                          absl::string_view account_id,
                          absl::string_view key_id);

}  // namespace pumpurs::auth

#endif  // PUMPURS_SERVER_AUTH_API_KEYS_H_
