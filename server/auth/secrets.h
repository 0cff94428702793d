#ifndef PUMPURS_SERVER_AUTH_SECRETS_H_
#define PUMPURS_SERVER_AUTH_SECRETS_H_

// Passwords and bearer secrets (libsodium). Only hashes are ever stored.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pumpurs::auth {

// Calls sodium_init once; safe to call from any thread, any number of times.
absl::Status InitSecrets();

// argon2id (libsodium crypto_pwhash_str, t=2, m=19 MiB, the OWASP minimum),
// in the PHC string format that embeds salt and parameters.
absl::StatusOr<std::string> HashPassword(absl::string_view password);

// True if `password` matches `hash` (constant time).
bool VerifyPassword(absl::string_view password, absl::string_view hash);

// A new random bearer secret: `prefix` + 43 characters of base64url
// (256 bits), e.g. "pat_..." for access tokens.
std::string NewSecret(absl::string_view prefix);

// SHA-256 of a secret, hex: what the database stores and looks up.
std::string SecretHash(absl::string_view secret);

}  // namespace pumpurs::auth

#endif  // PUMPURS_SERVER_AUTH_SECRETS_H_
