#ifndef PUMPURS_SERVER_AUTH_AUTHENTICATE_H_
#define PUMPURS_SERVER_AUTH_AUTHENTICATE_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/common/call_context.h"
#include "server/storage/connection.h"

namespace pumpurs::auth {

// Establishes call.principal from call.bearer_token: an access token of a
// live session, or an API key of a service account (each found by its
// SHA-256 hash). No token leaves the principal anonymous (methods that need
// a caller then refuse with UNAUTHENTICATED). An unknown, expired, revoked
// or malformed token is UNAUTHENTICATED (reason INVALID_TOKEN) — the same
// answer for each, so forging reveals nothing. Also sets call.caller_id.
absl::Status Authenticate(storage::Connection& conn, CallContext& call,
                          absl::Time now);

}  // namespace pumpurs::auth

#endif  // PUMPURS_SERVER_AUTH_AUTHENTICATE_H_
