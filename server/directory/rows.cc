#include "server/directory/rows.h"

#include "absl/strings/string_view.h"
#include "server/common/paging.h"
#include "server/common/status_macros.h"

namespace pumpurs::directory {

std::string EncodeSortPosition(absl::string_view query, const SortPosition& p) {
  return EncodePageToken(query, {p.sort_key, p.id});
}

absl::StatusOr<SortPosition> DecodeSortPosition(absl::string_view token,
                                                absl::string_view query) {
  if (token.empty()) return SortPosition{};
  PUMPURS_ASSIGN_OR_RETURN(std::vector<std::string> key,
                           DecodePageToken(token, query, 2));
  return SortPosition{key[0], key[1]};
}

}  // namespace pumpurs::directory
