#ifndef PUMPURS_SERVER_COMMON_COLLATION_H_
#define PUMPURS_SERVER_COMMON_COLLATION_H_

#include <string>

#include "absl/strings/string_view.h"

namespace pumpurs {

// The ICU collation key of `utf8` under Latvian rules (ā after a, č after c,
// ...), primary to tertiary strength. Comparing keys bytewise (memcmp, or
// SQLite's BLOB order) orders the texts alphabetically. Thread-safe.
std::string LatvianSortKey(absl::string_view utf8);

// `utf8` lowercased with its diacritics removed ("Bērziņa" → "berzina",
// "ŽĪGURS" → "zigurs"), for search that ignores case and diacritics.
// Thread-safe.
std::string FoldForSearch(absl::string_view utf8);

}  // namespace pumpurs

#endif  // PUMPURS_SERVER_COMMON_COLLATION_H_
