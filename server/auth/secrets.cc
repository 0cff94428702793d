#include "server/auth/secrets.h"

#include <sodium.h>

#include <cstddef>
#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace pumpurs::auth {
namespace {

constexpr uint64_t kOpsLimit = 2;
constexpr size_t kMemLimit = size_t{19} * 1024 * 1024;

}  // namespace

absl::Status InitSecrets() {
  static const int rc = sodium_init();
  if (rc < 0) return absl::InternalError("libsodium failed to initialise");
  return absl::OkStatus();
}

absl::StatusOr<std::string> HashPassword(absl::string_view password) {
  if (absl::Status s = InitSecrets(); !s.ok()) return s;
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit,
                            kMemLimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return absl::ResourceExhaustedError("password hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(absl::string_view password, absl::string_view hash) {
  if (!InitSecrets().ok()) return false;
  std::string h(hash);  // crypto_pwhash_str_verify needs a NUL terminator
  return crypto_pwhash_str_verify(h.c_str(), password.data(),
                                  password.size()) == 0;
}

std::string NewSecret(absl::string_view prefix) {
  (void)InitSecrets();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  std::string encoded = absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
  sodium_memzero(bytes, sizeof bytes);
  return absl::StrCat(prefix, encoded);
}

std::string SecretHash(absl::string_view secret) {
  (void)InitSecrets();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest,
                     reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size());
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace pumpurs::auth
