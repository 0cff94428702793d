#ifndef PUMPURS_SERVER_AUTH_BOOTSTRAP_H_
#define PUMPURS_SERVER_AUTH_BOOTSTRAP_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/storage/connection.h"

namespace pumpurs::auth {

// A new installation has no account, so nobody could sign in to create one:
// this creates the first national administrator. Does nothing if an account
// named `username` exists already (true is returned only when it created
// one). INVALID_ARGUMENT for a malformed username or a password shorter than
// 10 characters. Runs inside the caller's write transaction.
absl::StatusOr<bool> BootstrapAdmin(storage::Connection& conn,
                                    absl::string_view username,
                                    absl::string_view password, absl::Time now);

}  // namespace pumpurs::auth

#endif  // PUMPURS_SERVER_AUTH_BOOTSTRAP_H_
