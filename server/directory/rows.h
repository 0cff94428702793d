#ifndef PUMPURS_SERVER_DIRECTORY_ROWS_H_
#define PUMPURS_SERVER_DIRECTORY_ROWS_H_

// Keyset paging over (sort_key, id), shared by the directory's lists.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pumpurs::directory {

// The last row a page returned; the next page starts after it. The default
// (empty key, empty id) sorts before every row.
struct SortPosition {
  std::string sort_key;
  std::string id;
};

std::string EncodeSortPosition(absl::string_view query, const SortPosition& p);
// Empty token → the start position.
absl::StatusOr<SortPosition> DecodeSortPosition(absl::string_view token,
                                                absl::string_view query);

}  // namespace pumpurs::directory

#endif  // PUMPURS_SERVER_DIRECTORY_ROWS_H_
