#include "server/common/ids.h"

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/common/error.h"

namespace pumpurs {
namespace {

constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
constexpr size_t kIdLength = 16;

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

std::string NewId() {
  static absl::Mutex mu(absl::kConstInit);
  static absl::BitGen* gen = new absl::BitGen();
  std::string id(kIdLength, 'a');
  absl::MutexLock lock(&mu);
  for (char& c : id) c = kAlphabet[absl::Uniform(*gen, 0u, 32u)];
  return id;
}

std::string ResourceName(absl::string_view collection, absl::string_view id) {
  return absl::StrCat(collection, "/", id);
}

absl::StatusOr<std::string> ParseResourceName(absl::string_view name,
                                              absl::string_view collection,
                                              absl::string_view field) {
  std::string prefix = absl::StrCat(collection, "/");
  std::string description =
      absl::StrCat("must have the form ", collection, "/{id}");
  if (!absl::StartsWith(name, prefix)) {
    return InvalidFieldError(std::string(field), description);
  }
  absl::string_view id = name.substr(prefix.size());
  if (id.empty() || id.size() > 64) {
    return InvalidFieldError(std::string(field), description);
  }
  for (char c : id) {
    if (!IsIdChar(c)) return InvalidFieldError(std::string(field), description);
  }
  return std::string(id);
}

absl::StatusOr<std::string> ParseOptionalResourceName(
    absl::string_view name, absl::string_view collection,
    absl::string_view field) {
  if (name.empty()) return std::string();
  return ParseResourceName(name, collection, field);
}

}  // namespace pumpurs
