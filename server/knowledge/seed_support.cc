#include "server/knowledge/seed_support.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <sodium.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace pumpurs::knowledge {

void FirstSeedError::AddError(int line,
                              google::protobuf::io::ColumnNumber column,
                              const std::string& message) {
  if (!message_.empty()) return;
  message_ =
      absl::StrCat("line ", line + 1, ", column ", column + 1, ": ", message);
}

std::string SeedHash(const google::protobuf::Message& item) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    item.SerializeToCodedStream(&out);
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest,
                     reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

absl::Status SeedError(absl::string_view what, const Violations& v) {
  std::string message = absl::StrCat("invalid ", what, ": ");
  bool first = true;
  for (const FieldViolation& fv : v.items()) {
    absl::StrAppend(&message, first ? "" : "; ", fv.field, ": ",
                    fv.description);
    first = false;
  }
  return WithFieldViolations(
      Error(absl::StatusCode::kInvalidArgument, "INVALID_SEED", message),
      v.items());
}

}  // namespace pumpurs::knowledge
