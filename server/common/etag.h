#ifndef PUMPURS_SERVER_COMMON_ETAG_H_
#define PUMPURS_SERVER_COMMON_ETAG_H_

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace pumpurs {

// Etags are derived from a row's change counter. Quoted as in HTTP so that
// clients treat them as opaque strings rather than numbers.
inline std::string EtagFor(int64_t version) {
  return absl::StrCat("\"", version, "\"");
}

// True if the caller sent no etag (unconditional) or the current one.
inline bool EtagMatches(absl::string_view etag, int64_t version) {
  return etag.empty() || etag == EtagFor(version);
}

}  // namespace pumpurs

#endif  // PUMPURS_SERVER_COMMON_ETAG_H_
