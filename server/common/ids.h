#ifndef PUMPURS_SERVER_COMMON_IDS_H_
#define PUMPURS_SERVER_COMMON_IDS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pumpurs {

// A new random resource id: 16 characters of lowercase base32 (80 bits), so
// ids reveal neither order nor count.
std::string NewId();

// "collection/id" for a new id.
std::string ResourceName(absl::string_view collection, absl::string_view id);

// The id of `name` if it has the form "collection/id" with a well-formed id;
// INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> ParseResourceName(absl::string_view name,
                                              absl::string_view collection,
                                              absl::string_view field);

// As ParseResourceName, but "" (an unset optional reference, e.g. a list
// filter) gives "".
absl::StatusOr<std::string> ParseOptionalResourceName(
    absl::string_view name, absl::string_view collection,
    absl::string_view field);

}  // namespace pumpurs

#endif  // PUMPURS_SERVER_COMMON_IDS_H_
